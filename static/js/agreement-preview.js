// The agreement editor's live preview. When typing stops for a moment, the typed draft is posted to the preview
// address and its document shown in the frame beside the editor; nothing is saved. Without this script the
// "Refresh the preview" button does the same by a plain form post. Every refresh counts against the person's
// preview limit (PREVIEW_RATE_LIMIT, 12 a minute by default): refreshes are spaced out, and a refusal (429)
// pauses them for the time the answer says.
(function () {
  var form = document.querySelector("form[data-live-preview]");
  var frame = document.querySelector("iframe[data-preview-url]");
  var status = document.getElementById("preview-status");
  if (!form || !frame || !status || !window.fetch || !window.FormData) { return; }
  var WAIT = 1200, SPACING = 6000;  // ms after the last keystroke; ms between two refreshes (10 a minute)
  var timer = null, busy = false, again = false, last = 0, pausedUntil = 0;
  var usual = status.textContent;

  function schedule() {
    window.clearTimeout(timer);
    var now = Date.now();
    timer = window.setTimeout(refresh, Math.max(WAIT, last + SPACING - now, pausedUntil - now));
  }

  function show(html) {
    var scroll = 0;
    try { scroll = frame.contentWindow.scrollY; } catch (e) { scroll = 0; }
    frame.addEventListener("load", function restore() {
      frame.removeEventListener("load", restore);
      try { frame.contentWindow.scrollTo(0, scroll); } catch (e) { /* the frame is the page's own */ }
    });
    frame.srcdoc = html;
  }

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    last = Date.now();
    fetch(frame.getAttribute("data-preview-url"), {method: "POST", body: new FormData(form), credentials: "same-origin"})
      .then(function (response) {
        return response.text().then(function (text) {
          if (response.ok) {
            show(text);
            status.textContent = usual;
            frame.setAttribute("data-refreshed", String(Date.now()));
            return;
          }
          if (response.status === 429) {
            pausedUntil = Date.now() + (parseInt(response.headers.get("Retry-After"), 10) || 10) * 1000;
            again = true;
          }
          status.textContent = (response.headers.get("Content-Type") || "").indexOf("text/plain") === 0 ? text : usual;
        });
      })
      .catch(function () { /* offline for a moment: the next keystroke tries again */ })
      .then(function () {
        busy = false;
        if (again) { again = false; schedule(); }
      });
  }

  form.addEventListener("input", schedule);
})();
