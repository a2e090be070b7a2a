// 党建工作平台: the little behaviour pages need, kept out of the HTML so the Content-Security-Policy
// can forbid inline script. Event delegation on the document also covers content htmx swaps in.
"use strict";
document.addEventListener("change", function (event) {
  var field = event.target;
  if (field.matches && field.matches("[data-autosubmit]") && field.form) {
    field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
  }
});
