/**
 * The player page the local edge serves at /_local/player.html: hls.js (served from node_modules, no CDN)
 * plays the signed URL given in the fragment (`#src=<encoded URL>`: a fragment never reaches a server log) and a
 * table shows every request the edge saw, with whether it carried credentials. Reads the edge's access log
 * from /_local/log (paths, statuses and flags only: never query strings). With a signer behavior, a button asks
 * `/api/sign` for a signed URL with the dev viewer token (/_local/dev-token) and plays it.
 */
export const PLAYER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>cloudfront-hls local edge</title>
<!-- No favicon request: the distribution would (rightly) refuse it unsigned and the table would show a failure. -->
<link rel="icon" href="data:,">
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #222; }
  video { width: 640px; max-width: 100%; background: #000; display: block; }
  input { width: 640px; max-width: 100%; }
  table { border-collapse: collapse; margin-top: 1rem; font: 12px ui-monospace, monospace; }
  td, th { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: left; }
  .bad { color: #b00020; font-weight: bold; } .ok { color: #0a7a2f; }
  #status { margin: .5rem 0; }
</style>
</head>
<body>
<h1>cloudfront-hls local edge</h1>
<p><label>Signed master URL <input id="src" placeholder="http://127.0.0.1:PORT/master.m3u8?Policy=...&amp;Signature=...&amp;Key-Pair-Id=..."></label>
<button id="play">Play</button></p>
<p id="signer" hidden>or ask the signer (<code>GET /api/sign</code> with the dev viewer token):
<select id="title"></select> <button id="sign">Get a signed URL and play</button></p>
<video id="video" controls muted playsinline></video>
<div id="status">idle</div>
<div id="summary"></div>
<table><thead><tr><th>#</th><th>method</th><th>path</th><th>status</th><th>credentials</th><th>cache</th><th>behavior</th></tr></thead><tbody id="log"></tbody></table>
<script src="/_local/hls.min.js"></script>
<script>
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.hash.slice(1));
  if (params.get('src')) $('src').value = params.get('src');
  let hls, after = 0, total = 0, unsigned = 0, failed = 0;
  window.playerState = { errors: [], fatal: null, playing: false };
  function status(t) { $('status').textContent = t; }
  // What the video is doing, from its own state: 'playing' only while it plays (not paused, not at the end).
  function playbackStatus(v) {
    const at = v.currentTime.toFixed(1) + ' s';
    return v.ended ? 'ended at ' + at : v.paused ? 'paused at ' + at : 'playing at ' + at;
  }
  function play() {
    const src = $('src').value.trim();
    if (!src) { status('paste a signed master URL'); return; }
    if (hls) hls.destroy();
    const video = $('video');
    if (window.Hls && Hls.isSupported()) {
      hls = new Hls();
      hls.on(Hls.Events.ERROR, (_e, d) => {
        window.playerState.errors.push(d.details);
        if (d.fatal) { window.playerState.fatal = d.details; status('fatal error: ' + d.details); }
      });
      hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
      hls.loadSource(src);
      hls.attachMedia(video);
    } else {
      video.src = src; // native HLS (Safari)
      video.play().catch(() => {});
    }
    video.ontimeupdate = () => { window.playerState.playing = true; status(playbackStatus(video)); };
    video.onpause = video.onended = () => status(playbackStatus(video));
  }
  $('play').onclick = play;
  // The signer behind /api/* (as deployed): the dev token comes from the edge (loopback only).
  fetch('/_local/dev-token').then((r) => r.ok ? r.json() : null).then((dev) => {
    if (!dev) return;
    for (const id of dev.titles) { const o = document.createElement('option'); o.textContent = id; $('title').appendChild(o); }
    $('signer').hidden = false;
    $('sign').onclick = async () => {
      const u = dev.signUrl + '?' + encodeURIComponent(dev.contentParam) + '=' + encodeURIComponent($('title').value);
      const r = await fetch(u, { headers: { Authorization: 'Bearer ' + dev.token } });
      if (!r.ok) { status('signer answered ' + r.status); return; }
      $('src').value = (await r.json()).url;
      play();
    };
  }).catch(() => {});
  async function poll() {
    try {
      const r = await fetch('/_local/log?after=' + after);
      const entries = await r.json();
      for (const e of entries) {
        after = e.seq; total++;
        if (!e.signed && !e.unprotected) unsigned++;
        if (e.status >= 400) failed++;
        const tr = document.createElement('tr');
        const cells = [e.seq, e.method, e.path, e.status, e.signed ? 'signed (' + e.credentials + ')' : e.unprotected ? 'not required' : 'UNSIGNED', e.cache, e.behavior];
        cells.forEach((c, i) => { const td = document.createElement('td'); td.textContent = String(c);
          if (i === 3) td.className = e.status >= 400 ? 'bad' : 'ok';
          if (i === 4) td.className = e.signed || e.unprotected ? 'ok' : 'bad';
          tr.appendChild(td); });
        $('log').prepend(tr);
      }
      $('summary').textContent = total + ' requests, ' + unsigned + ' unsigned, ' + failed + ' failed';
    } catch (e) { /* edge stopped */ }
    setTimeout(poll, 700);
  }
  poll();
  if ($('src').value) play();
</script>
</body>
</html>
`;
