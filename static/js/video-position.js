// A lesson's video resumes where the teacher stopped: the page renders the saved second
// (#video-position) and the player's data-position-url; the position is posted every 10 s of play,
// on pause, at the end and when the page is left. Uploaded files play in <video> (the server answers
// range requests, so seeking works); YouTube and Vimeo embeds report and seek through their
// documented postMessage protocols. Without JS the video plays from the start.
(function () {
  "use strict";
  var saved = document.getElementById("video-position");
  var player = document.querySelector("[data-position-url]");
  if (!saved || !player) return;
  var start = JSON.parse(saved.textContent) || 0;
  var url = player.getAttribute("data-position-url");
  var headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
  var last = -1;

  function send(seconds, leaving) {
    seconds = Math.floor(seconds);
    if (!(seconds >= 0) || seconds === last) return;
    last = seconds;
    var body = new URLSearchParams({ seconds: String(seconds) });
    fetch(url, { method: "POST", body: body, headers: headers, credentials: "same-origin", keepalive: !!leaving })
      .catch(function () { last = -1; });
  }

  if (player.tagName === "VIDEO") {
    var lastSent = 0;
    player.addEventListener("loadedmetadata", function () {
      if (start > 0 && (!player.duration || start < player.duration - 3)) player.currentTime = start;
    });
    player.addEventListener("timeupdate", function () {
      if (Math.abs(player.currentTime - lastSent) >= 10) { lastSent = player.currentTime; send(player.currentTime); }
    });
    player.addEventListener("pause", function () { send(player.currentTime); });
    player.addEventListener("ended", function () { send(0); });
    window.addEventListener("pagehide", function () { send(player.currentTime, true); });
    return;
  }

  // An embedded player (iframe).
  var origin = new URL(player.src).origin;
  var current = start;
  var reported = start;
  function post(message) { player.contentWindow.postMessage(JSON.stringify(message), origin); }
  window.addEventListener("message", function (event) {
    if (event.origin !== origin || event.source !== player.contentWindow) return;
    var data;
    try { data = typeof event.data === "string" ? JSON.parse(event.data) : event.data; } catch (e) { return; }
    var seconds = null;
    if (data && data.event === "infoDelivery" && data.info && typeof data.info.currentTime === "number") {
      seconds = data.info.currentTime;  // YouTube
      if (data.info.playerState === 2) send(seconds);  // paused
    } else if (data && data.event === "timeupdate" && data.data) {
      seconds = data.data.seconds;  // Vimeo
    } else if (data && data.event === "ready") {
      post({ method: "addEventListener", value: "timeupdate" });
      post({ method: "addEventListener", value: "pause" });
      if (start > 0) post({ method: "setCurrentTime", value: start });
    } else if (data && data.event === "pause") {
      send(current);
    }
    if (typeof seconds === "number") {
      current = seconds;
      if (Math.abs(current - reported) >= 10) { reported = current; send(current); }
    }
  });
  player.addEventListener("load", function () {
    post({ event: "listening", id: "lesson-video", channel: "widget" });  // YouTube starts reporting
    if (start > 0) post({ event: "command", func: "seekTo", args: [start, true], id: "lesson-video", channel: "widget" });
  });
  window.addEventListener("pagehide", function () { send(current, true); });
})();
