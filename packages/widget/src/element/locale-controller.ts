/**
 * The element's language as a reactive controller (after Shoelace's `LocalizeController`): the
 * best locale for the element's `locale`, the nearest `lang` above it, the page's and the
 * browser's languages. A built-in one that is not loaded yet (zh-CN, zh-HK: their own chunks)
 * starts loading, and the host renders again when it is there.
 */
import { isServer, type ReactiveController, type ReactiveControllerHost } from 'lit'
import { loadLocale, needsLoad, resolveLocale } from '../locales/registry.ts'
import type { QfpayLocale } from '../locales/locale.ts'

/** An element with a `locale` property (the `locale` attribute). */
export type LocaleHost = ReactiveControllerHost & HTMLElement & { locale: string | undefined }

/** Resolves and loads the host's locale; read {@link LocaleController.current} when rendering. */
export class LocaleController implements ReactiveController {
  #host: LocaleHost
  /** The preferences last asked for, and their chunk while it loads. */
  #wanted: string | undefined
  #loading: Promise<unknown> | undefined

  constructor(host: LocaleHost) {
    this.#host = host
    host.addController(this)
  }

  /** Connected: start loading the shopper's language before the first render needs it. */
  hostConnected(): void {
    this.current()
  }

  /** The locale chunk being loaded, until it is there (and the host asked to render again). */
  get loading(): Promise<unknown> | undefined {
    return this.#loading
  }

  /** The best locale available now; starts loading a better built-in one. */
  current(): QfpayLocale {
    const host = this.#host
    if (isServer) return resolveLocale([host.locale])
    const preferred = [
      host.locale,
      host.closest('[lang]')?.getAttribute('lang'),
      document.documentElement.lang,
      ...(navigator.languages ?? [navigator.language]),
    ]
    const wanted = preferred.join()
    if (wanted !== this.#wanted && needsLoad(preferred)) {
      this.#wanted = wanted
      const load = (this.#loading = loadLocale(preferred).then(() => {
        if (this.#loading === load) this.#loading = undefined
        host.requestUpdate()
      }))
    }
    return resolveLocale(preferred)
  }
}
