// Shared runtime: LEDGER.* functions are registered by taskpane.html (addin/taskpane/main.tsx),
// which Excel loads as the runtime page. This file only satisfies the manifest's <Script> element.
