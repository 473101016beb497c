// Loaded first by the CSP page: records every Content-Security-Policy violation.
window.__violations = []
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective}: ${event.blockedURI}`)
})
