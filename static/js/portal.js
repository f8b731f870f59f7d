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

document.addEventListener("DOMContentLoaded", () => {
  // A form is sent once: the button waits, and says so, until the next page.
  document.querySelectorAll("form[data-submit-once]").forEach((form) => {
    form.addEventListener("submit", () => {
      const button = form.querySelector("button[type='submit']");
      if (!button) {
        return;
      }
      // Disable after the browser has collected the form (a disabled
      // button's click would not submit it).
      window.setTimeout(() => {
        button.disabled = true;
        if (button.dataset.sendingText) {
          button.textContent = button.dataset.sendingText;
        }
      }, 0);
    });
  });

  // The feedback form: show what the chosen topic and service ask for.
  const rulesElement = document.getElementById("topic-rules");
  const ticketForm = document.querySelector("form.ticket-form");
  if (ticketForm && rulesElement) {
    const rules = JSON.parse(rulesElement.textContent);
    const topic = ticketForm.querySelector("select[name='topic']");
    const claimPart = ticketForm.querySelector("[data-claim-only]");
    const rulePart = ticketForm.querySelector("[data-topic-rule]");
    const applyTopic = () => {
      const rule = rules[topic.value] || {};
      claimPart.hidden = !rule.claim;
      rulePart.hidden = !rule.needsAccountOrAddress;
    };
    topic.addEventListener("change", applyTopic);
    applyTopic();

    // The preferred time of the call matters only for an answer by phone.
    const phonePart = ticketForm.querySelector("[data-phone-only]");
    const applyChannel = () => {
      const checked = ticketForm.querySelector(
        "input[name='reply_channel']:checked",
      );
      phonePart.hidden = !checked || checked.value !== "phone";
    };
    ticketForm
      .querySelectorAll("input[name='reply_channel']")
      .forEach((radio) => radio.addEventListener("change", applyChannel));
    applyChannel();

    const service = ticketForm.querySelector("select[name='service']");
    const otherService = ticketForm.querySelector("[data-when-no-service]");
    if (service && otherService) {
      const applyService = () => {
        otherService.hidden = service.value !== "";
      };
      service.addEventListener("change", applyService);
      applyService();
    }
  }
});

document.addEventListener("DOMContentLoaded", () => {
  // Beside the feedback form: answers matching the topic and the text typed,
  // asked for after a pause in typing; opening one and "this solved my
  // problem" are recorded.
  const box = document.getElementById("faq-suggestions");
  const form = document.querySelector("form.ticket-form");
  if (!box || !form) {
    return;
  }
  const body = form.querySelector("textarea[name='body']");
  const topic = form.querySelector("select[name='topic']");
  const serviceType = form.querySelector("select[name='service_type']");
  const service = form.querySelector("select[name='service']");
  // On a narrow screen the aside comes after the whole form: there the
  // answers go right under the text being typed.
  const home = box.parentElement;
  const homeNext = box.nextElementSibling;
  const field = body.closest(".mb-3") || body.parentElement;
  const narrow = window.matchMedia("(max-width: 991.98px)");
  const place = () => {
    if (narrow.matches) {
      field.after(box);
    } else {
      home.insertBefore(box, homeNext);
    }
  };
  narrow.addEventListener("change", place);
  place();
  const token = form.querySelector("input[name='csrfmiddlewaretoken']").value;
  let timer = null;
  let last = "";
  const load = async () => {
    const params = new URLSearchParams({
      q: body.value.slice(0, 200),
      topic: topic ? topic.value : "",
      // A subscriber's own service says its type.
      service_type:
        (service && service.selectedOptions[0]?.dataset.serviceType) ||
        (serviceType ? serviceType.value : ""),
      flow: box.dataset.flow,
    });
    const url = `${box.dataset.suggestUrl}?${params}`;
    if (url === last || box.querySelector("details[open]")) {
      return; // the same question, or the subscriber is reading an answer
    }
    last = url;
    try {
      const response = await fetch(url);
      if (response.ok) {
        box.innerHTML = await response.text();
      }
    } catch (error) {
      // No suggestions this time; the form works without them.
    }
  };
  const later = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, 400);
  };
  body.addEventListener("input", later);
  [topic, serviceType, service].forEach((select) => {
    if (select) {
      select.addEventListener("change", later);
    }
  });
  box.addEventListener(
    "toggle",
    (event) => {
      const details = event.target;
      if (!details.open || details.dataset.opened) {
        return;
      }
      details.dataset.opened = "1";
      const data = new FormData();
      data.append("article", details.dataset.article);
      data.append("flow", box.dataset.flow);
      data.append("topic", topic ? topic.value : "");
      data.append("csrfmiddlewaretoken", token);
      fetch(box.dataset.openedUrl, { method: "POST", body: data }).catch(() => {});
    },
    true, // "toggle" does not bubble
  );
  if (body.value || (topic && topic.value)) {
    load();
  }
});
