"use strict";
// The FAQ article form: the answer's preview follows the Markdown as it is typed.
document.addEventListener("DOMContentLoaded", () => {
  const preview = document.getElementById("answer-preview");
  const answer = document.getElementById("id_answer");
  if (!preview || !answer) {
    return;
  }
  const token = document.querySelector("input[name='csrfmiddlewaretoken']").value;
  let timer = null;
  const draw = async () => {
    const data = new FormData();
    data.append("answer", answer.value);
    data.append("csrfmiddlewaretoken", token);
    try {
      const response = await fetch(preview.dataset.url, { method: "POST", body: data });
      if (response.ok) {
        preview.innerHTML = await response.text(); // sanitised by nh3 on the server
      }
    } catch (error) {
      // The preview waits for the next change.
    }
  };
  answer.addEventListener("input", () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(draw, 300);
  });
  draw();
});
