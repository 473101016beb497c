import { expect } from '@open-wc/testing'
import { offeredMethods, wantsRedirect } from './pay-methods.ts'
import { alipay, alipayCard, config, wechat } from '../../test/fixtures.ts'

describe('pay methods', () => {
  it('offers online pay types normally and only swipe-card ones in cashier mode', () => {
    expect(offeredMethods(config.methods, undefined, 'auto')).to.deep.equal([alipay, wechat])
    expect(offeredMethods(config.methods, undefined, 'cashier')).to.deep.equal([alipayCard])
  })

  it('follows the order of pay-types', () => {
    expect(offeredMethods(config.methods, ['800201', '800151'], 'qr')).to.deep.equal([
      wechat,
      alipay,
    ])
  })

  const cases: [string, Parameters<typeof wantsRedirect>, boolean][] = [
    ['Alipay on a desktop shows a QR code', [alipay, 'auto', false], false],
    ['Alipay on a phone redirects', [alipay, 'auto', true], true],
    ['WeChat on a phone stays a QR code', [wechat, 'auto', true], false],
    ['mode=redirect redirects on a desktop', [wechat, 'redirect', false], true],
    ['mode=qr never redirects', [{ ...alipay, flow: 'redirect' }, 'qr', true], false],
    ['a redirect-flow pay type redirects', [{ ...alipay, flow: 'redirect' }, 'auto', false], true],
    [
      'AlipayHK web (QR only) stays a QR code on a phone',
      [{ ...alipay, payType: '801514', qrOnly: true }, 'auto', true],
      false,
    ],
    [
      'a QR-only type stays a QR code even with mode=redirect',
      [{ ...alipay, payType: '801514', qrOnly: true }, 'redirect', true],
      false,
    ],
  ]
  for (const [name, args, expected] of cases)
    it(name, () => expect(wantsRedirect(...args)).to.equal(expected))
})
