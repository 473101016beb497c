import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resolveGatewayConfig } from './gateway-config.ts'

const KEY = '0123456789ABCDEF0123456789ABCDEF'

describe('resolveGatewayConfig', () => {
  it('runs against the local sandbox with generated credentials when nothing is configured', () => {
    const config = resolveGatewayConfig({}, {})
    assert.equal(config.environment, 'local')
    assert.equal(config.generatedCredentials, true)
    assert.match(config.key, /^[0-9A-F]{32}$/)
    assert.equal(config.baseUrl, undefined)
  })

  it('lets QFPAY_ENV win over the presence of credentials', () => {
    const config = resolveGatewayConfig(
      {},
      { QFPAY_ENV: 'local', QFPAY_APPCODE: 'APPCODE123', QFPAY_KEY: KEY }
    )
    assert.equal(config.environment, 'local')
    assert.equal(config.appcode, 'APPCODE123')
    assert.equal(config.generatedCredentials, false)
  })

  it('points live and test at QFPay hosts, never at the card-only sandbox', () => {
    assert.equal(
      resolveGatewayConfig({}, { QFPAY_ENV: 'live', QFPAY_APPCODE: 'APPCODE123', QFPAY_KEY: KEY })
        .baseUrl,
      'https://openapi-hk.qfapi.com'
    )
    assert.equal(
      resolveGatewayConfig({}, { QFPAY_ENV: 'test', QFPAY_APPCODE: 'APPCODE123', QFPAY_KEY: KEY })
        .baseUrl,
      'https://test-openapi-hk.qfapi.com'
    )
  })

  it('accepts sandbox as an alias of local', () => {
    assert.equal(resolveGatewayConfig({}, { QFPAY_ENV: 'sandbox' }).environment, 'local')
  })

  it('refuses to start with an empty or malformed key, without echoing the key', () => {
    assert.throws(
      () =>
        resolveGatewayConfig({}, { QFPAY_ENV: 'live', QFPAY_APPCODE: 'APPCODE123', QFPAY_KEY: '' }),
      /QFPAY_KEY is empty/
    )
    const bad = KEY + '\n'
    assert.throws(
      () =>
        resolveGatewayConfig(
          {},
          { QFPAY_ENV: 'live', QFPAY_APPCODE: 'APPCODE123', QFPAY_KEY: bad }
        ),
      (err: Error) => /white space/.test(err.message) && !err.message.includes(KEY)
    )
    assert.throws(
      () =>
        resolveGatewayConfig(
          { key: 'secret-but-short' },
          { QFPAY_ENV: 'test', QFPAY_APPCODE: 'APPCODE123' }
        ),
      (err: Error) => /32 hex/.test(err.message) && !err.message.includes('secret-but-short')
    )
  })

  it('refuses an unknown environment name', () => {
    assert.throws(() => resolveGatewayConfig({}, { QFPAY_ENV: 'prod' }), /live, test or local/)
  })
})
