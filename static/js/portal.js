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

document.addEventListener("DOMContentLoaded", () => {
  // Captcha: a new picture without reloading the page (and losing the form).
  document.querySelectorAll("[data-captcha-refresh]").forEach((button) => {
    button.addEventListener("click", async () => {
      const field = button.closest(".captcha-field");
      const response = await fetch(button.dataset.captchaRefresh, {
        headers: { "X-Requested-With": "XMLHttpRequest" },
      });
      if (!response.ok) {
        return;
      }
      const data = await response.json();
      field.querySelector("img.captcha").src = data.image_url;
      field.querySelector("input[name$='_0']").value = data.key;
      const input = field.querySelector("input[name$='_1']");
      input.value = "";
      input.focus();
    });
  });

  // Sign-up: the organisation's fields only matter for a legal entity.
  const legal = document.querySelector("[data-legal-fieldset]");
  if (legal) {
    const update = () => {
      const checked = document.querySelector("input[name='category']:checked");
      legal.hidden = !checked || checked.value !== "legal_entity";
    };
    document
      .querySelectorAll("input[name='category']")
      .forEach((radio) => radio.addEventListener("change", update));
    update();
  }
});
