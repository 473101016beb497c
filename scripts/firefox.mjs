// Debian's Firefox ESR for the browser suites (widget tests, e2e). Firefox has no geckodriver
// here (Debian ships none, and the npm one downloads a binary); puppeteer-core drives it over
// WebDriver BiDi, which Firefox speaks natively. Headless: no X server needed.
import { execSync } from 'node:child_process'
import { existsSync } from 'node:fs'

/**
 * Firefox preferences for a machine without internet: no update checks, telemetry or
 * first-run pages trying to reach out (each would only time out against the closed network).
 */
export const FIREFOX_PREFS = Object.freeze({
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
})

/** `FIREFOX_PATH`, else `firefox-esr` or `firefox` on PATH; throws when there is none. */
export function firefoxPath() {
  if (process.env.FIREFOX_PATH) return process.env.FIREFOX_PATH
  try {
    const found = execSync('command -v firefox-esr || command -v firefox', {
      encoding: 'utf8',
      shell: '/bin/sh',
    }).trim()
    if (found) return found
  } catch {
    // fall through to the usual place
  }
  if (existsSync('/usr/bin/firefox-esr')) return '/usr/bin/firefox-esr'
  throw new Error(
    'Failed to find Firefox: install it (apt-get install -y firefox-esr) or set FIREFOX_PATH.'
  )
}
