"""The one page the web service shows at ``GET /``: choose a photo, see what the model says.

Everything is inline (CSS and JavaScript, no CDN), so the page works without
internet. The JavaScript sends the photo to ``POST /predict`` with ``fetch``
and shows the answer (class, probability, the top 3 as bars, the notes) or
the error sentence without leaving the page. Every text it shows goes in
with ``textContent``, and what the server fills in is HTML-escaped, so a
file or class name cannot inject markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

__all__ = ["render_page"]

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@MODEL@ · image classifier</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f4f5f7; color: #1d2330; }
  main { max-width: 720px; margin: 2rem auto; padding: 1.5rem 2rem; background: #fff;
         border-radius: 10px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 1.4rem; margin-top: 0; }
  .model { color: #555; font-size: .95rem; }
  form { display: flex; gap: .8rem; align-items: center; flex-wrap: wrap; margin: 1.2rem 0; }
  button { font-size: 1rem; padding: .45rem 1.2rem; border: 0; border-radius: 6px;
           background: #2f6fdf; color: #fff; cursor: pointer; }
  button:disabled { background: #9ab; cursor: wait; }
  #preview { max-width: 240px; max-height: 240px; border-radius: 6px; display: none; }
  #status { color: #555; min-height: 1.2em; }
  #error { color: #a40e0e; background: #fde8e8; padding: .6rem .8rem; border-radius: 6px; }
  #answer-class { font-size: 1.3rem; font-weight: 600; }
  .row { display: grid; grid-template-columns: 9rem 1fr 4.5rem; gap: .6rem;
         align-items: center; margin: .3rem 0; }
  .bar { background: #e4e8f0; border-radius: 4px; height: .9rem; overflow: hidden; }
  .fill { background: #2f6fdf; height: 100%; }
  .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
  .pct { text-align: right; font-variant-numeric: tabular-nums; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<main id="app" data-max-bytes="@MAX_BYTES@" data-limit="@LIMIT@">
  <h1>What does the model see?</h1>
  <p class="model">Model <b>@MODEL@</b>: @N_CLASSES@ classes (@CLASSES@), input
    @HEIGHT@&times;@WIDTH@ pixels. Uploads up to @LIMIT@.</p>
  <form id="form">
    <input type="file" id="file" name="file" accept="image/*" aria-label="photo">
    <button type="submit" id="send">Classify</button>
  </form>
  <p id="status" aria-live="polite"></p>
  <p id="error" role="alert" hidden></p>
  <img id="preview" alt="the chosen photo">
  <section id="result" hidden>
    <p>Predicted class: <span id="answer-class"></span>,
       probability <span id="answer-probability"></span></p>
    <h2>Top 3</h2>
    <div id="top"></div>
    <div id="notes-box" hidden><h2>What was done to the photo</h2><ul id="notes"></ul></div>
  </section>
</main>
<script>
(() => {
  const app = document.getElementById('app');
  const maxBytes = Number(app.dataset.maxBytes);
  const limit = app.dataset.limit;
  const $ = (id) => document.getElementById(id);
  const percent = (p) => (100 * p).toFixed(1) + ' %';
  let previewUrl = null;

  function showError(message) {
    $('error').textContent = message;
    $('error').hidden = false;
    $('result').hidden = true;
  }

  function showAnswer(answer) {
    $('answer-class').textContent = answer['class'];
    $('answer-probability').textContent =
      Number(answer.probability).toFixed(3) + ' (' + percent(answer.probability) + ')';
    const top = $('top');
    top.replaceChildren();
    for (const entry of answer.top || []) {
      const row = document.createElement('div');
      row.className = 'row';
      const name = document.createElement('span');
      name.className = 'name';
      name.textContent = entry['class'];
      name.title = entry['class'];
      const bar = document.createElement('div');
      bar.className = 'bar';
      const fill = document.createElement('div');
      fill.className = 'fill';
      fill.style.width = Math.max(0, Math.min(100, 100 * entry.probability)) + '%';
      bar.appendChild(fill);
      const pct = document.createElement('span');
      pct.className = 'pct';
      pct.textContent = percent(entry.probability);
      row.append(name, bar, pct);
      top.appendChild(row);
    }
    const notes = $('notes');
    notes.replaceChildren();
    for (const note of answer.notes || []) {
      const item = document.createElement('li');
      item.textContent = note;
      notes.appendChild(item);
    }
    $('notes-box').hidden = notes.children.length === 0;
    $('result').hidden = false;
  }

  $('file').addEventListener('change', () => {
    const file = $('file').files[0];
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    previewUrl = file ? URL.createObjectURL(file) : null;
    $('preview').style.display = file && file.type.startsWith('image/') ? 'block' : 'none';
    if (previewUrl) $('preview').src = previewUrl;
  });
  // Not a picture the browser can show (a text file named .jpg): no broken-image icon.
  $('preview').addEventListener('error', () => { $('preview').style.display = 'none'; });

  $('form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('error').hidden = true;
    const file = $('file').files[0];
    if (!file) { showError('Choose a photo first.'); return; }
    if (file.size > maxBytes) {
      showError('The upload is larger than the limit of ' + limit +
                ': choose a smaller photo, or shrink it first.');
      return;
    }
    const body = new FormData();
    body.append('file', file, file.name);
    $('send').disabled = true;
    $('status').textContent = 'Sending ' + file.name + '…';
    const started = performance.now();
    try {
      const response = await fetch('predict', { method: 'POST', body });
      let answer = null;
      try { answer = await response.json(); } catch (err) { answer = null; }
      if (response.ok && answer && !answer.error) {
        showAnswer(answer);
        $('status').textContent = file.name + ': answered in ' +
          Math.round(performance.now() - started) + ' ms';
      } else {
        $('status').textContent = file.name + ': HTTP ' + response.status;
        showError(answer && answer.error ? answer.error :
                  'The service answered HTTP ' + response.status + ' without an explanation.');
      }
    } catch (err) {
      $('status').textContent = '';
      showError('The service did not answer (is it still running?): ' + err.message);
    } finally {
      $('send').disabled = false;
    }
  });
})();
</script>
</body>
</html>
"""


def render_page(*, model_name: str, class_names: Sequence[str], image_size: Sequence[int],
                max_upload_bytes: int, limit_text: str) -> str:
    """The HTML of the page, with the model's name, classes, input size and upload limit.

    ``max_upload_bytes`` is the limit the page checks before it sends a
    photo; ``limit_text``, the same limit as the page shows it ("10 MB"). Every
    value is HTML-escaped, so a class or file name cannot add markup.
    """
    values = {
        "MODEL": model_name,
        "N_CLASSES": str(len(class_names)),
        "CLASSES": ", ".join(class_names),
        "HEIGHT": str(int(image_size[0])),
        "WIDTH": str(int(image_size[1])),
        "LIMIT": limit_text,
        "MAX_BYTES": str(int(max_upload_bytes)),
    }
    escaped = {key: html.escape(value, quote=True) for key, value in values.items()}
    return re.sub(r"@([A-Z_]+)@", lambda m: escaped[m.group(1)], _PAGE)
