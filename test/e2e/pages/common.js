// Shared by the player pages: the stream URL comes in ?src=, state goes to window.e2e for the test to poll.
// No credentials are ever printed: only errors and player facts.
'use strict';
window.e2e = { errors: [], info: { nonFatal: [] } };
function e2eSetup() {
  const src = new URLSearchParams(location.search).get('src');
  const video = document.querySelector('video');
  // Query strings are cut from messages: players quote failing URLs, and those carry the viewer's credentials.
  const fail = (msg) => window.e2e.errors.push(String(msg).replace(/\?[^\s"'<>]*/g, '?…').slice(0, 500));
  if (!src) fail('no ?src= given');
  video.muted = true;
  video.addEventListener('error', () => fail(`video element error ${video.error && video.error.code}: ${video.error && video.error.message}`));
  window.addEventListener('unhandledrejection', (e) => fail(`unhandled rejection: ${e.reason && (e.reason.message || e.reason.code || e.reason)}`));
  const play = () => video.play().catch((e) => window.e2e.info.nonFatal.push(`play(): ${e.name}`));
  video.addEventListener('canplay', play, { once: true });
  return { src, video, fail, info: window.e2e.info, play };
}
