import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { assertProperty } from '../../test/support/replay.ts'
import {
  sign,
  signBody,
  stringToSign,
  timingSafeEqualHex,
  verifyBodySignature,
  verifySignature,
} from './sign.ts'

const PROJECT_KEY = '0123456789ABCDEF0123456789ABCDEF'

const V1 = {
  txamt: 100,
  txcurrcd: 'HKD',
  pay_type: '800201',
  out_trade_no: 'ORDER-0001',
  txdtm: '2024-05-01 10:30:00',
  goods_name: 'Coffee',
  expired_time: '10',
}

describe('request signatures (known answers)', () => {
  it('matches official vector A: raw UTF-8 values, no URL-encoding, key appended, upper-case MD5', async () => {
    const params = {
      address: 'XX区XX路XX号',
      bankaccount: '1234567890',
      bankaddr: '银行详细地址',
      bankcity: '成都',
      bankcode: '123',
      bankcountry: '中国',
      bankname: '中国建设银行',
      bankswiftcode: '001',
      bankuser: '王',
      channel_type: '1',
      city: '成都',
      country: '中国',
      email: 'email@example.com',
      idnumber: '110000201608220123',
      licenseactive_date: '2016-07-10',
      licensenumber: '12345678',
      mcc_id: '6125485337528623306',
      mobile: '14401234567',
      name: '测试企业',
      shopname: 'XX商店',
      username: 'some_user',
    }
    assert.equal(await sign(params, '789012'), 'E019253E135863C335333C983DF05359')
  })

  it('matches official vector B, which signs an empty value and a trailing space (lower-case published)', async () => {
    const params = {
      address: 'TST',
      bankaccount: '168477081838',
      bankaddr: 'TST',
      bankcity: 'Hong Kong',
      bankcode: '123',
      bankcountry: 'Hong Kong',
      bankname: 'HSBC',
      bankswiftcode: 'HSBCHKHHHKH',
      bankuser: 'Peter',
      channel_type: '',
      city: 'Hong Kong',
      country: 'Hong Kong',
      email: 'peter@test.com',
      idnumber: '172845391795',
      legalperson: 'Peter',
      licenseactive_date: '20160810',
      licensenumber: '123456',
      mcc_id: '21002',
      mobile: '123456',
      name: 'Peter ',
      shopname: 'PeterShopR',
      username: 'peter@test.com',
    }
    const key = '001c49ce1d444994b419934286eb07b40f2'
    const signature = await sign(params, key, 'MD5', { keepEmpty: true })
    assert.ok(timingSafeEqualHex(signature, '3a7a3bba647fb6fbc28f6687d78212e2'))
    assert.ok(
      await verifySignature(params, key, '3a7a3bba647fb6fbc28f6687d78212e2', 'MD5', {
        acceptEmptyIncluded: true,
      })
    )
    assert.equal(await verifySignature(params, key, '3a7a3bba647fb6fbc28f6687d78212e2'), false)
  })

  it('matches project vector V1 with MD5 and SHA-256', async () => {
    assert.equal(
      stringToSign(V1),
      'expired_time=10&goods_name=Coffee&out_trade_no=ORDER-0001&pay_type=800201&txamt=100&txcurrcd=HKD&txdtm=2024-05-01 10:30:00'
    )
    assert.equal(await sign(V1, PROJECT_KEY), '44ACA4FCAA9C93EEF120D74522964FBB')
    assert.equal(
      await sign(V1, PROJECT_KEY, 'SHA256'),
      '9667D2C713A77C68F5B6DCF91F433953B2E8EDF434E7F5FF6279606394E71453'
    )
  })

  it('matches V2: mchid is signed when sent, Chinese goods name raw', async () => {
    assert.equal(
      await sign({ ...V1, goods_name: '咖啡', mchid: 'ZaMVg12345' }, PROJECT_KEY),
      '8BE63BAA57EEC7954F381F0AE3B77A42'
    )
  })

  it('matches V3 (refund) and V4 (query)', async () => {
    const refund = {
      syssn: '20240501000200020012345678',
      out_trade_no: 'REFUND-0001',
      txamt: 50,
      txdtm: '2024-05-01 11:00:00',
    }
    assert.equal(await sign(refund, PROJECT_KEY), 'A200ADA36A664ACAD1FE0DBF7BBDFEFA')
    assert.equal(
      await sign({ out_trade_no: 'ORDER-0001' }, PROJECT_KEY),
      '88444595C7D8A7FC824934BECB4C0FF1'
    )
  })

  it('matches V7: an empty udid is dropped by default and kept only on request', async () => {
    const params = { out_trade_no: 'ORDER-0001', udid: '' }
    assert.equal(await sign(params, PROJECT_KEY), '88444595C7D8A7FC824934BECB4C0FF1')
    assert.equal(
      await sign(params, PROJECT_KEY, 'MD5', { keepEmpty: true }),
      '08CD2D25E6241A889E7F198A5E961ED8'
    )
    assert.ok(
      await verifySignature(params, PROJECT_KEY, '08cd2d25e6241a889e7f198a5e961ed8', 'MD5', {
        acceptEmptyIncluded: true,
      })
    )
  })

  it('accepts either hex case but not another signature', async () => {
    assert.ok(await verifySignature(V1, PROJECT_KEY, '44aca4fcaa9c93eef120d74522964fbb'))
    assert.equal(await verifySignature(V1, PROJECT_KEY, '44ACA4FCAA9C93EEF120D74522964FBC'), false)
    assert.equal(await verifySignature(V1, PROJECT_KEY, ''), false)
  })
})

describe('notify and response signatures (MD5 over the raw body + key)', () => {
  it('matches official vector C: MD5 over the 302 raw bytes with \\u escapes kept', () => {
    const body =
      '{"pay_type": "800108", "sysdtm": "2018-01-12 19:31:16", "cardcd": "2088802362210279", "txdtm": "2018-01-12 19:31:22", "resperr": "\\u4ea4\\u6613\\u6210\\u529f", "txcurrcd": "CNY", "txamt": "1", "respmsg": "", "out_trade_no": "130145934788787530052", "syssn": "20180112000100020001662134", "respcd": "0000"}'
    assert.equal(new TextEncoder().encode(body).length, 302)
    assert.equal(
      signBody(body, '615ED178BA524459976CE40FAB78000F'),
      '1E2CE7C2A7F8F581C354A857182B7A31'
    )
  })

  it('matches V5, and a re-serialised copy of the same JSON no longer verifies', () => {
    const body =
      '{"status": "1", "pay_type": "800201", "sysdtm": "2024-05-01 10:30:01", "paydtm": "2024-05-01 10:31:15", "goods_name": "Coffee", "txcurrcd": "HKD", "txdtm": "2024-05-01 10:30:00", "txamt": "100", "out_trade_no": "ORDER-0001", "syssn": "20240501000200020012345678", "cancel": "0", "respcd": "0000", "notify_type": "payment", "chnlsn": "4200000000202405010000000001", "cardcd": ""}'
    assert.equal(new TextEncoder().encode(body).length, 378)
    assert.equal(signBody(body, PROJECT_KEY), '38E891D1FEA4D90D076120EE4EA941DD')
    assert.ok(
      verifyBodySignature(
        new TextEncoder().encode(body),
        PROJECT_KEY,
        '38e891d1fea4d90d076120ee4ea941dd'
      )
    )
    assert.equal(
      verifyBodySignature(
        JSON.stringify(JSON.parse(body)),
        PROJECT_KEY,
        '38E891D1FEA4D90D076120EE4EA941DD'
      ),
      false
    )
  })
})

describe('signature properties (fast-check)', () => {
  const name = fc.stringMatching(/^[a-z_]{1,12}$/)
  const value = fc.string({ minLength: 1, maxLength: 24, unit: 'grapheme' })
  const params = fc.dictionary(name, value, { minKeys: 1, maxKeys: 8 })
  const key = fc.stringMatching(/^[0-9A-F]{32}$/)

  it('changing any one parameter value changes the signature and fails verification', async () => {
    await assertProperty(
      fc.asyncProperty(
        params,
        key,
        value,
        fc.constantFrom<'MD5' | 'SHA256'>('MD5', 'SHA256'),
        async (p, k, replacement, type) => {
          const field = Object.keys(p)[0]!
          fc.pre(p[field] !== replacement)
          const signature = await sign(p, k, type)
          const tampered = { ...p, [field]: replacement }
          assert.notEqual(await sign(tampered, k, type), signature)
          assert.equal(await verifySignature(tampered, k, signature, type), false)
        }
      ),
      { numRuns: 200 }
    )
  })

  it('adding a parameter or using another key changes the signature', async () => {
    await assertProperty(
      fc.asyncProperty(params, key, key, async (p, k1, k2) => {
        fc.pre(k1 !== k2 && !('zz_extra' in p))
        const signature = await sign(p, k1)
        assert.equal(await verifySignature(p, k2, signature), false)
        assert.equal(await verifySignature({ ...p, zz_extra: 'x' }, k1, signature), false)
      }),
      { numRuns: 200 }
    )
  })

  it('changing any one byte of a notify body fails verification', async () => {
    await assertProperty(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        key,
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (body, k, at, flip) => {
          const signature = signBody(body, k)
          const tampered = body.slice()
          const index = at % body.length
          tampered[index] = tampered[index]! ^ flip
          assert.equal(verifyBodySignature(tampered, k, signature), false)
          assert.ok(verifyBodySignature(body, k, signature))
        }
      ),
      { numRuns: 500 }
    )
  })
})
