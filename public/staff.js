// Small enhancements for the server-rendered staff pages; every form works without them.
// - [data-copy=ID]: copies the value of the input with that id.
// - form.pod-upload: drag and drop files onto the form, and upload in the background with
//   a progress bar, then open the page the server answers with.
"use strict";

document.querySelectorAll("[data-copy]").forEach((button) => {
  button.addEventListener("click", async () => {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    try {
      await navigator.clipboard.writeText(field.value);
    } catch {
      field.select();
      document.execCommand("copy");
    }
    button.textContent = "Copied";
  });
});

document.querySelectorAll("form.pod-upload").forEach((form) => {
  const input = form.querySelector('input[type="file"]');
  const progress = form.querySelector("progress");
  form.addEventListener("dragover", (event) => {
    event.preventDefault();
    form.classList.add("dragging");
  });
  form.addEventListener("dragleave", () => form.classList.remove("dragging"));
  form.addEventListener("drop", (event) => {
    event.preventDefault();
    form.classList.remove("dragging");
    if (event.dataTransfer && event.dataTransfer.files.length) input.files = event.dataTransfer.files;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) progress.value = (e.loaded * 100) / e.total;
    });
    request.addEventListener("loadend", () => {
      if (request.responseURL) window.location.assign(request.responseURL);
      else window.location.reload();
    });
    progress.hidden = false;
    progress.value = 0;
    request.send(new FormData(form));
  });
});
