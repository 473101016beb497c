import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { resolveGatewayConfig } from './gateway-config.ts'
import { createQfpayClient } from '../../qfpay/client.ts'

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

  it('refuses the same keys as createQfpayClient, in the same words', () => {
    for (const key of ['', `${KEY} `, 'secret-but-short', 'G'.repeat(32)]) {
      let clientMessage = ''
      try {
        createQfpayClient({ appcode: 'APPCODE123', key, environment: 'live' })
      } catch (e) {
        clientMessage = (e as Error).message
      }
      let appMessage = ''
      try {
        resolveGatewayConfig({ key }, { QFPAY_ENV: 'live', QFPAY_APPCODE: 'APPCODE123' })
      } catch (e) {
        appMessage = (e as Error).message
      }
      assert.ok(clientMessage && appMessage, `both refuse ${JSON.stringify(key)}`)
      if (key !== '')
        assert.equal(
          clientMessage.replace(/^.*: key /, ''),
          appMessage.replace(/^.*: QFPAY_KEY /, ''),
          key
        )
    }
    assert.doesNotThrow(() =>
      createQfpayClient({ appcode: 'APPCODE123', key: KEY.toLowerCase(), environment: 'live' })
    )
  })

  it('refuses the same app codes as createQfpayClient, in the same words', () => {
    for (const appcode of ['SHOP-A', '"APPCODE123"', 'APPCODE123\n', 'SHORT1']) {
      const refusal = (make: () => unknown) => {
        try {
          make()
        } catch (e) {
          return (e as Error).message
        }
        return ''
      }
      const clientMessage = refusal(() =>
        createQfpayClient({ appcode, key: KEY, environment: 'live' })
      )
      const appMessage = refusal(() =>
        resolveGatewayConfig({ appcode }, { QFPAY_ENV: 'live', QFPAY_KEY: KEY })
      )
      assert.ok(clientMessage && appMessage, `both refuse ${JSON.stringify(appcode)}`)
      assert.equal(
        clientMessage.replace(/^.*: appcode /, '').replace(/\.$/, ''),
        appMessage.replace(/^.*: QFPAY_APPCODE /, '').replace(/\.$/, ''),
        appcode
      )
    }
    assert.equal(
      resolveGatewayConfig({ appcode: 'APPCODE123' }, { QFPAY_ENV: 'live', QFPAY_KEY: KEY })
        .appcode,
      'APPCODE123'
    )
  })

  it('refuses an unknown environment name', () => {
    assert.throws(() => resolveGatewayConfig({}, { QFPAY_ENV: 'prod' }), /live, test or local/)
  })

  it('refuses credentials without QFPAY_ENV, saying what to set', () => {
    for (const env of [
      { QFPAY_APPCODE: 'APPCODE123', QFPAY_KEY: KEY },
      { QFPAY_KEY: KEY },
      { QFPAY_APPCODE: 'APPCODE123', QFPAY_KEY: KEY, QFPAY_ENV: ' ' },
    ]) {
      assert.throws(
        () => resolveGatewayConfig({}, env),
        (err: Error) => /QFPAY_ENV is not/.test(err.message) && /QFPAY_ENV=live/.test(err.message)
      )
    }
  })

  it('never runs the in-process sandbox under NODE_ENV=production unless embeddedSandbox says so', () => {
    assert.throws(
      () => resolveGatewayConfig({}, { NODE_ENV: 'production' }),
      /NODE_ENV=production never runs the in-process sandbox/
    )
    assert.throws(
      () => resolveGatewayConfig({}, { NODE_ENV: 'production', QFPAY_ENV: 'local' }),
      /embeddedSandbox: true/
    )
    const allowed = resolveGatewayConfig({ embeddedSandbox: true }, { NODE_ENV: 'production' })
    assert.equal(allowed.environment, 'local')
    assert.equal(allowed.embeddedSandboxAllowed, true)
    // A standalone sandbox reached over HTTP is not the embedded one.
    const standalone = resolveGatewayConfig(
      {},
      { NODE_ENV: 'production', QFPAY_ENV: 'local', QFPAY_BASE_URL: 'http://127.0.0.1:8788' }
    )
    assert.equal(standalone.baseUrl, 'http://127.0.0.1:8788')
  })
})
