// qrcode's core encoder has no types of its own; qr.ts describes the one call it makes.
declare module 'qrcode/lib/core/qrcode.js' {
  const core: unknown
  export default core
}
