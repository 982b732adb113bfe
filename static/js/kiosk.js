/* Counter kiosk: after the body's data-idle-seconds without a touch, a key or a scroll,
   clear the screen for the next customer (the server sets an idle interview aside too,
   so a tablet without this script still never shows the last customer's answers). */
(function () {
  "use strict";
  var body = document.body;
  var idle = parseInt(body.dataset.idleSeconds, 10) * 1000;
  var reset = body.dataset.resetUrl;
  if (!idle || !reset) { return; }
  var timer = null;
  function arm() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { window.location.replace(reset); }, idle);
  }
  ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, arm, { passive: true });
  });
  arm();
})();
