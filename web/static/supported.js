// Marks the page as able to run NHS.UK frontend's scripts, as its page template does at the start of <body>
// (kept in a file so the Content-Security-Policy can forbid inline script).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " nhsuk-frontend-supported" : "");
