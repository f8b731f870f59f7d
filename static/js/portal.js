// The portal's own behaviour. No inline script anywhere: the CSP forbids it.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the error summary so that screen
  // readers announce it and keyboard users start from the list of errors.
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
