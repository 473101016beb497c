import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { signBody } from '../qfpay/sign.ts'
import { pyJsonDumps } from './py-json.ts'

describe('pyJsonDumps', () => {
  it('reproduces QFPay vector C byte for byte, so its signature matches the documented one', () => {
    const body = pyJsonDumps({
      pay_type: '800108',
      sysdtm: '2018-01-12 19:31:16',
      cardcd: '2088802362210279',
      txdtm: '2018-01-12 19:31:22',
      resperr: '交易成功',
      txcurrcd: 'CNY',
      txamt: '1',
      respmsg: '',
      out_trade_no: '130145934788787530052',
      syssn: '20180112000100020001662134',
      respcd: '0000',
    })
    assert.equal(Buffer.byteLength(body), 302)
    assert.ok(body.includes('"resperr": "\\u4ea4\\u6613\\u6210\\u529f"'))
    assert.equal(
      signBody(body, '615ED178BA524459976CE40FAB78000F'),
      '1E2CE7C2A7F8F581C354A857182B7A31'
    )
  })

  it('reproduces notify vector V5 and its signature', () => {
    const body = pyJsonDumps({
      status: '1',
      pay_type: '800201',
      sysdtm: '2024-05-01 10:30:01',
      paydtm: '2024-05-01 10:31:15',
      goods_name: 'Coffee',
      txcurrcd: 'HKD',
      txdtm: '2024-05-01 10:30:00',
      txamt: '100',
      out_trade_no: 'ORDER-0001',
      syssn: '20240501000200020012345678',
      cancel: '0',
      respcd: '0000',
      notify_type: 'payment',
      chnlsn: '4200000000202405010000000001',
      cardcd: '',
    })
    assert.equal(Buffer.byteLength(body), 378)
    assert.equal(
      signBody(body, '0123456789ABCDEF0123456789ABCDEF'),
      '38E891D1FEA4D90D076120EE4EA941DD'
    )
  })

  it('escapes like Python: quotes, controls, DEL, astral characters as surrogate pairs, slash kept', () => {
    // python3 -c 'import json;print(json.dumps({"a":"\x7f\u00e9\U0001F600\n/\"\\"}))'
    assert.equal(
      pyJsonDumps({ a: '\x7fé😀\n/"\\' }),
      '{"a": "\\u007f\\u00e9\\ud83d\\ude00\\n/\\"\\\\"}'
    )
  })

  it('writes nested arrays and objects with Python separators and skips undefined members', () => {
    assert.equal(
      pyJsonDumps({ page: '1', data: [{ a: '1' }, {}], x: undefined, n: null, t: true, i: 3 }),
      '{"page": "1", "data": [{"a": "1"}, {}], "n": null, "t": true, "i": 3}'
    )
  })
})
