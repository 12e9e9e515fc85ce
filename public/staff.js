// Small enhancements for the server-rendered staff pages; every form works without them.
// - [data-copy=ID]: copies the value of the input with that id.
// - form.pod-upload: drag and drop files onto the form, and upload each file through the
//   staff API with a progress bar, then reopen the parcel page with the outcome. The
//   outcome waits in this tab's sessionStorage and is shown as text (never markup) by the
//   page that opens next: no URL carries a notice (a link could make the page say anything).
"use strict";

const NOTICE = "waybill-notice";
(() => {
  const saved = sessionStorage.getItem(NOTICE);
  if (!saved) return;
  sessionStorage.removeItem(NOTICE);
  let notice;
  try {
    notice = JSON.parse(saved);
  } catch {
    return;
  }
  const where = document.querySelector(".staff-parcel .parcel-head");
  if (!where || typeof notice.text !== "string") return;
  const p = document.createElement("p");
  p.className = notice.error ? "form-error" : "notice";
  p.setAttribute("role", notice.error ? "alert" : "status");
  p.textContent = notice.text;
  where.after(p);
})();

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
  // Each file goes to the staff API (`data-api`), one after the other, with the session's
  // form token in `x-csrf-token`; then the parcel page is opened with the outcome.
  form.addEventListener("submit", (event) => {
    const files = Array.from(input.files || []);
    if (!files.length || !form.dataset.api) return;
    event.preventDefault();
    const token = form.querySelector('input[name="csrf"]').value;
    const total = files.reduce((sum, file) => sum + file.size, 0) || 1;
    let sent = 0;
    const finish = (key, text) => {
      sessionStorage.setItem(NOTICE, JSON.stringify({ error: key === "error", text }));
      window.location.assign(window.location.pathname);
    };
    const upload = (i) => {
      if (i === files.length) {
        finish("notice", `${files.length} POD file${files.length === 1 ? "" : "s"} uploaded.`);
        return;
      }
      const body = new FormData();
      body.append("file", files[i]);
      const request = new XMLHttpRequest();
      request.open("POST", form.dataset.api);
      request.setRequestHeader("x-csrf-token", token);
      request.upload.addEventListener("progress", (e) => {
        progress.value = ((sent + e.loaded) * 100) / total;
      });
      request.addEventListener("loadend", () => {
        if (request.status === 201) {
          sent += files[i].size;
          upload(i + 1);
          return;
        }
        let reason = `upload failed (${request.status || "no answer"})`;
        try {
          reason = JSON.parse(request.responseText).error || reason;
        } catch {}
        finish("error", `${files[i].name}: ${reason}`);
      });
      request.send(body);
    };
    progress.hidden = false;
    progress.value = 0;
    upload(0);
  });
});
