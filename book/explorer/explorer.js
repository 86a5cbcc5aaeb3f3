// The latent explorer of the book's page "Explore the latent space" (explorer.md).
//
// Plain JavaScript, no library: it reads the weights that `cargo run -p ch06-experiments --
// --export-explorer` wrote into media/explorer/weights.js (a script, not a fetched file, so the
// page also works when opened from disk), checks their SHA-256, and runs chapter 4's encoder
// and decoder: dense layers, ReLU, and the sigmoid of the decoder's logits, in f32.
(function () {
  'use strict';

  const root = document.getElementById('vx-explorer');
  if (!root) return; // another page

  const SIDE = 28; // MNIST's images are 28 x 28
  const BOX = 20; // MNIST's digits were scaled to fit 20 x 20
  const INV255 = Math.fround(1 / 255); // a byte b is the pixel b * (1/255) in f32, as in Rust
  const PER_UNIT = 20; // the plane's grid: z moves in steps of 1/20 (pointer and arrow keys)
  const STEP = 1 / PER_UNIT;
  // Chapter 6's scatter colours (the Okabe-Ito palette of chapter 1's charts), by label.
  const PALETTE = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00',
    '#56b4e9', '#f0e442', '#000000', '#785e3c', '#6e6e6e'];
  const REGENERATE = 'cargo run -p ch06-experiments -- --export-explorer';
  const REGENERATE_9 = 'cargo run -p ch09-conditional -- --export-explorer --baseline-epochs 10 --cvae-epochs 20 --labelled-epochs 10';

  const $ = (id) => document.getElementById(id);
  const status = $('vx-status');

  function fail(message) {
    root.dataset.state = 'error';
    status.className = 'vx-status vx-error';
    status.textContent = message;
    console.error('latent explorer: ' + message);
    // Chapter 9's part runs on the page's own models too: it does not start either.
    const cond = $('vx-cond-status');
    if (cond) cond.textContent = 'Chapter 9\u2019s part did not start: see the message at the top of the page.';
  }

  // ---- The weights: decode, verify, slice into typed arrays ----

  function base64Bytes(text) {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  }

  async function sha256Hex(bytes) {
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
    return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  const DTYPES = { f32: [Float32Array, 4], i8: [Int8Array, 1], u8: [Uint8Array, 1], u32: [Uint32Array, 4] };

  // Every tensor of the manifest as a typed array over `bytes`, after checking that it fits.
  function tensors(manifest, bytes) {
    const out = {};
    for (const t of manifest.tensors) {
      const [Type, size] = DTYPES[t.dtype] || [];
      if (!Type) throw new Error(`tensor ${t.name}: unknown data type ${t.dtype}`);
      const count = t.shape.reduce((a, b) => a * b, 1);
      if (t.offset % size !== 0 || t.offset + count * size > bytes.length) {
        throw new Error(`tensor ${t.name}: bytes ${t.offset}..${t.offset + count * size} lie outside the ${bytes.length}-byte file`);
      }
      out[t.name] = { data: new Type(bytes.buffer, bytes.byteOffset + t.offset, count), shape: t.shape };
    }
    return out;
  }

  function need(all, name, shape) {
    const t = all[name];
    if (!t) throw new Error(`tensor ${name} is missing`);
    if (shape && t.shape.join('x') !== shape.join('x')) {
      throw new Error(`tensor ${name} has shape ${t.shape.join('x')}, expected ${shape.join('x')}`);
    }
    return t.data;
  }

  // A dense layer y = x W + b (chapter 4), with W of shape (inputs, outputs), row-major. The
  // file stores W as 8-bit integers q and one f32 scale s per output: W[i][j] = q[i][j] * s[j],
  // a product of an integer of 8 bits and an f32, which f32 holds exactly.
  function layer(all, name, inputs, outputs) {
    const q = need(all, name + '.weight', [inputs, outputs]);
    const scale = need(all, name + '.weight_scale', [outputs]);
    const bias = need(all, name + '.bias', [outputs]);
    const weight = new Float32Array(inputs * outputs);
    for (let i = 0; i < inputs; i++) {
      for (let j = 0; j < outputs; j++) weight[i * outputs + j] = q[i * outputs + j] * scale[j];
    }
    return { weight, bias, inputs, outputs };
  }

  // y = x W + b, optionally followed by ReLU, max(0, a). The sums run in double precision and
  // each output is rounded to f32, as Rust's f32 layers store it; zero inputs are skipped
  // (after a ReLU, and on a drawing, most are).
  function dense(l, x, relu) {
    const acc = new Float64Array(l.outputs);
    for (let i = 0; i < l.inputs; i++) {
      const xi = x[i];
      if (xi === 0) continue;
      const row = i * l.outputs;
      for (let j = 0; j < l.outputs; j++) acc[j] += xi * l.weight[row + j];
    }
    const y = new Float32Array(l.outputs);
    for (let j = 0; j < l.outputs; j++) {
      const a = Math.fround(Math.fround(acc[j]) + l.bias[j]);
      y[j] = relu && a < 0 ? 0 : a;
    }
    return y;
  }

  // Chapter 4's sigmoid, from the never-positive exponent exp(-|l|).
  function sigmoid(l) {
    const e = Math.fround(Math.exp(-Math.abs(l)));
    return Math.fround(l >= 0 ? 1 / (1 + e) : e / (1 + e));
  }

  function model(all, prefix, input, hidden, latent) {
    const m = {
      latent,
      encHidden: layer(all, prefix + '.encoder.hidden', input, hidden),
      encMu: layer(all, prefix + '.encoder.mu', hidden, latent),
      encLogvar: layer(all, prefix + '.encoder.logvar', hidden, latent),
      decHidden: layer(all, prefix + '.decoder.hidden', latent, hidden),
      decOutput: layer(all, prefix + '.decoder.output', hidden, input),
    };
    // q(z | x) = N(mu, diag(sigma^2)), sigma = exp(logvar / 2).
    m.encode = (x) => {
      const h = dense(m.encHidden, x, true);
      const mu = dense(m.encMu, h, false);
      const logvar = dense(m.encLogvar, h, false);
      const sigma = logvar.map((v) => Math.fround(Math.exp(Math.fround(0.5 * v))));
      return { mu, sigma };
    };
    // The decoder's mean image: one Bernoulli probability per pixel.
    m.decode = (z) => dense(m.decOutput, dense(m.decHidden, z, true), false).map(sigmoid);
    return m;
  }

  // ---- MNIST's normalisation of a drawing ----
  // mnist/src/normalise.rs step for step, in f64 and in the same order, so that the bytes
  // agree exactly: the ink's bounding box scaled to fit 20 x 20 with its aspect ratio kept
  // (each new pixel the mean of the ink under it), moved by whole pixels so that its centre
  // of mass sits at pixel (14, 14), counting from 0, where MNIST's digits have it.

  const toByte = (v) => Math.floor(255 * Math.min(1, Math.max(0, v)) + 0.5);
  const overlap = (a, b, p) => Math.max(Math.min(b, p + 1) - Math.max(a, p), 0);

  function resample(ink, top, left, height, width, outH, outW) {
    const [sy, sx] = [height / outH, width / outW];
    const out = new Float64Array(outH * outW);
    for (let i = 0; i < outH; i++) {
      const [y0, y1] = [i * sy, (i + 1) * sy];
      for (let j = 0; j < outW; j++) {
        const [x0, x1] = [j * sx, (j + 1) * sx];
        let sum = 0;
        for (let y = Math.floor(y0); y < Math.min(Math.ceil(y1), height); y++) {
          const wy = overlap(y0, y1, y);
          for (let x = Math.floor(x0); x < Math.min(Math.ceil(x1), width); x++) {
            sum += ink[(top + y) * SIDE + left + x] * wy * overlap(x0, x1, x);
          }
        }
        out[i * outW + j] = sum / (sy * sx);
      }
    }
    return out;
  }

  // The drawing as MNIST would have stored it, in bytes; null for a blank pad.
  function likeMnist(ink) {
    let [top, left, bottom, right] = [SIDE, SIDE, 0, 0];
    for (let i = 0; i < SIDE * SIDE; i++) {
      if (ink[i] > 0) {
        const [y, x] = [Math.floor(i / SIDE), i % SIDE];
        top = Math.min(top, y); bottom = Math.max(bottom, y);
        left = Math.min(left, x); right = Math.max(right, x);
      }
    }
    if (top === SIDE) return null;
    const [height, width] = [bottom - top + 1, right - left + 1];
    const scale = BOX / Math.max(height, width);
    const outH = Math.min(Math.max(Math.round(height * scale), 1), BOX);
    const outW = Math.min(Math.max(Math.round(width * scale), 1), BOX);
    const boxed = resample(ink, top, left, height, width, outH, outW);
    let [mass, cy, cx] = [0, 0, 0];
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        const v = boxed[i * outW + j];
        mass += v;
        cy += v * i;
        cx += v * j;
      }
    }
    const dy = Math.floor(SIDE / 2 - cy / mass + 0.5);
    const dx = Math.floor(SIDE / 2 - cx / mass + 0.5);
    const out = new Uint8Array(SIDE * SIDE);
    for (let i = 0; i < outH; i++) {
      for (let j = 0; j < outW; j++) {
        const [y, x] = [i + dy, j + dx];
        if (y >= 0 && y < SIDE && x >= 0 && x < SIDE) out[y * SIDE + x] = toByte(boxed[i * outW + j]);
      }
    }
    return out;
  }

  // Bytes as the model's pixels, f32 from b * (1/255) as mnist::unit_pixel computes them.
  const unitPixels = (bytes) => Float32Array.from(bytes, (b) => Math.fround(b * INV255));

  // ---- Drawing helpers ----

  // Pixel probabilities (or inks) in [0, 1] onto a 28 x 28 canvas, white ink on black as the
  // book's figures draw MNIST: grey level round(255 p).
  function paintDigit(canvas, pixels) {
    const ctx = canvas.getContext('2d');
    const image = ctx.createImageData(SIDE, SIDE);
    for (let i = 0; i < SIDE * SIDE; i++) {
      const g = Math.round(255 * Math.min(1, Math.max(0, pixels[i])));
      image.data[4 * i] = image.data[4 * i + 1] = image.data[4 * i + 2] = g;
      image.data[4 * i + 3] = 255;
    }
    ctx.putImageData(image, 0, 0);
  }

  const fmt = (v, digits) => (v < 0 ? '\u2212' : '') + Math.abs(v).toFixed(digits);
  const pair = (v, digits) => `(${fmt(v[0], digits)}, ${fmt(v[1], digits)})`;
  const norm = (z) => Math.sqrt(z.reduce((s, v) => s + v * v, 0));

  // Position of a pointer event inside an element, as fractions of its width and height.
  // A Gaussian posterior drawn as its ellipses at one (solid) and two (dashed) standard
  // deviations around its mean, at least a pixel wide.
  function posteriorEllipses(ctx, x, y, sx, sy) {
    ctx.strokeStyle = '#c00';
    ctx.lineWidth = 2;
    for (const k of [1, 2]) {
      ctx.setLineDash(k === 2 ? [4, 3] : []);
      ctx.beginPath();
      ctx.ellipse(x, y, Math.max(k * sx, 1), Math.max(k * sy, 1), 0, 0, 2 * Math.PI);
      ctx.stroke();
    }
    ctx.setLineDash([]);
  }

  function fraction(event, element) {
    const r = element.getBoundingClientRect();
    return [(event.clientX - r.left) / r.width, (event.clientY - r.top) / r.height];
  }

  // The canvas `id` as a plane of z in [-R, R]^2: its range and grid step for the tests, its
  // width, and where a z falls on it (z2 grows upwards).
  function latentPlane(id, R) {
    const plane = $(id);
    plane.dataset.zmin = String(-R);
    plane.dataset.zmax = String(R);
    plane.dataset.step = String(STEP);
    const W = plane.width;
    const toPx = (z) => [(z[0] + R) / (2 * R) * W, (R - z[1]) / (2 * R) * W];
    return { plane, W, toPx };
  }

  // A latent plane's grid: a line at every whole z, numbered, and the axes' names.
  function drawAxes(ctx, W, R, toPx) {
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, W, W);
    ctx.strokeStyle = '#ddd';
    ctx.fillStyle = '#666';
    ctx.font = '11px sans-serif';
    for (let v = Math.ceil(-R); v <= R; v++) {
      const [x, y] = toPx([v, v]);
      ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, W); ctx.stroke();
      ctx.beginPath(); ctx.moveTo(0, y); ctx.lineTo(W, y); ctx.stroke();
      if (v !== 0 && Math.abs(v) < R) { ctx.fillText(String(v), x + 2, W / 2 - 3); ctx.fillText(String(v), W / 2 + 3, y - 2); }
    }
    ctx.fillText('z\u2081', W - 16, W / 2 + 13);
    ctx.fillText('z\u2082', W / 2 + 5, 12);
  }

  // The marker at a plane's z: a ring and a cross.
  function drawMarker(ctx, x, y) {
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.beginPath(); ctx.arc(x, y, 7, 0, 2 * Math.PI); ctx.stroke();
    ctx.beginPath(); ctx.moveTo(x - 11, y); ctx.lineTo(x + 11, y); ctx.moveTo(x, y - 11); ctx.lineTo(x, y + 11); ctx.stroke();
    ctx.lineWidth = 1;
  }

  // A plane of z in [-R, R]^2 that follows the pointer (a mouse by hovering, a finger or pen
  // by dragging) and the arrow keys (a grid step, ten with Shift), calling set(z).
  function planeControls(canvas, R, current, set) {
    let dragging = false;
    const fromPointer = (e) => {
      const [u, v] = fraction(e, canvas);
      set([-R + u * 2 * R, R - v * 2 * R]);
    };
    canvas.addEventListener('pointerdown', (e) => {
      dragging = true;
      canvas.setPointerCapture(e.pointerId);
      fromPointer(e);
      e.preventDefault();
    });
    canvas.addEventListener('pointermove', (e) => { if (dragging || e.pointerType === 'mouse') fromPointer(e); });
    const stopDrag = () => { dragging = false; };
    canvas.addEventListener('pointerup', stopDrag);
    canvas.addEventListener('pointercancel', stopDrag);
    canvas.addEventListener('keydown', (e) => {
      const step = e.shiftKey ? 10 * STEP : STEP;
      const moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      const move = moves[e.key];
      if (!move) return;
      e.preventDefault();
      const z = current();
      set([z[0] + move[0], z[1] + move[1]]);
    });
  }

  // `count` small digit canvases in `container`, each captioned; returns the canvases.
  function digitStrip(container, count, id, className, caption) {
    const canvases = [];
    for (let k = 0; k < count; k++) {
      const figure = document.createElement('figure');
      figure.className = 'vx-figure';
      const canvas = document.createElement('canvas');
      canvas.id = id(k);
      canvas.className = 'vx-digit ' + className;
      canvas.width = canvas.height = SIDE;
      canvas.setAttribute('role', 'img');
      const text = document.createElement('figcaption');
      text.textContent = caption(k);
      figure.append(canvas, text);
      container.append(figure);
      canvases.push(canvas);
    }
    return canvases;
  }

  // ---- The explorer ----

  function start(data, all) {
    const m2 = model(all, 'latent2', SIDE * SIDE, data.manifest.models.latent2.hidden, 2);
    const m20 = model(all, 'latent20', SIDE * SIDE, data.manifest.models.latent20.hidden,
      data.manifest.models.latent20.latent);
    const scatterMu = need(all, 'scatter.mu');
    const scatterLabel = need(all, 'scatter.label');
    const scatterMu20 = need(all, 'scatter.mu20', [scatterLabel.length, m20.latent]);
    const digitImages = need(all, 'digits.image');
    const digitLabels = need(all, 'digits.label');
    const digitIndex = need(all, 'digits.index');
    const digitCount = digitLabels.length;
    const digitBytes = (k) => digitImages.subarray(k * SIDE * SIDE, (k + 1) * SIDE * SIDE);
    const digit = (k) => unitPixels(digitBytes(k));

    // The plane spans a square around the origin wide enough for 99.5% of the test codes.
    const radii = [];
    for (let i = 0; i < scatterLabel.length; i++) {
      radii.push(Math.max(Math.abs(scatterMu[2 * i]), Math.abs(scatterMu[2 * i + 1])));
    }
    radii.sort((a, b) => a - b);
    const R = Math.ceil(radii[Math.floor(0.995 * (radii.length - 1))] * 2) / 2;
    const { plane, W, toPx } = latentPlane('vx-plane', R);

    // The scatter and the axes, drawn once.
    const background = document.createElement('canvas');
    background.width = background.height = W;
    {
      const ctx = background.getContext('2d');
      drawAxes(ctx, W, R, toPx);
      ctx.globalAlpha = 0.55;
      for (let i = 0; i < scatterLabel.length; i++) {
        const [x, y] = toPx([scatterMu[2 * i], scatterMu[2 * i + 1]]);
        ctx.fillStyle = PALETTE[scatterLabel[i]];
        ctx.fillRect(x - 1, y - 1, 2, 2);
      }
    }
    const legend = $('vx-legend');
    legend.textContent = '';
    PALETTE.forEach((colour, label) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = 'vx-swatch';
      swatch.style.background = colour;
      item.append(swatch, String(label));
      legend.append(item);
    });

    // The label of the test code nearest to z: the words of the text alternatives.
    function nearestLabel(z) {
      let best = Infinity, label = 0;
      for (let i = 0; i < scatterLabel.length; i++) {
        const d = (scatterMu[2 * i] - z[0]) ** 2 + (scatterMu[2 * i + 1] - z[1]) ** 2;
        if (d < best) { best = d; label = scatterLabel[i]; }
      }
      return label;
    }

    // The label of the test code nearest to a 20-d code: squared distances summed in f64 in
    // the coordinates' order, the first on a tie (pad.rs computes the same).
    function nearestLabel20(z) {
      let best = Infinity, label = 0;
      const L = m20.latent;
      for (let i = 0; i < scatterLabel.length; i++) {
        let d = 0;
        for (let k = 0; k < L; k++) d += (scatterMu20[i * L + k] - z[k]) ** 2;
        if (d < best) { best = d; label = scatterLabel[i]; }
      }
      return label;
    }

    const state = { z: [0, 0], drawn: null, seen: null, timings: [] };
    const drawingListeners = [];

    function timed(f) {
      const t0 = performance.now();
      const out = f();
      state.timings.push(performance.now() - t0);
      if (state.timings.length > 50) state.timings.shift();
      return out;
    }

    function drawPlane() {
      const ctx = plane.getContext('2d');
      ctx.drawImage(background, 0, 0);
      if (state.drawn) {
        // The drawing's posterior: ellipses at one and two standard deviations around mu.
        const [x, y] = toPx(state.drawn.mu);
        const [sx, sy] = state.drawn.sigma.map((s) => s / (2 * R) * W);
        posteriorEllipses(ctx, x, y, sx, sy);
      }
      if (gap.result) {
        // The window of the true posterior's fine grid (below the drawing pad).
        const g = gap.result.window;
        const [x0, y0] = toPx([g.min[0], g.min[1] + g.cells * g.step]);
        const side = g.cells * g.step / (2 * R) * W;
        ctx.strokeStyle = '#08519c';
        ctx.lineWidth = 1;
        ctx.strokeRect(x0, y0, Math.max(side, 2), Math.max(side, 2));
      }
      drawMarker(ctx, ...toPx(state.z));
    }

    // ---- The gap you can see: the true posterior of the 2-d model on a grid ----
    // The same computation as chapter 6's true_posterior.rs, whose numbers the browser test
    // compares with these: log p(x | z) is minus the loss's cross-entropy (in f64, from the
    // decoder's f32 logits), log p(x) the midpoint rule on a fine grid over the window that a
    // coarse grid over the plane finds, and E_q[log p(x | z)] the midpoint rule on q's own grid.
    const GRID = { coarse: 32, fine: 64, qCells: 24, qHalfWidth: 5, threshold: 25 };
    const LOG_2PI = Math.log(2 * Math.PI);
    const gap = { generation: 0, result: null, timer: 0 };
    const gapCanvas = $('vx-gap');
    const gapOut = $('vx-gap-out');

    // -sum_d bce(o_d, x_d) = -sum_d [max(o, 0) - x o + log(1 + exp(-|o|))], chapter 4's loss.
    function logLikelihood(x, z) {
      const logits = dense(m2.decOutput, dense(m2.decHidden, Float32Array.from(z), true), false);
      let s = 0;
      for (let d = 0; d < logits.length; d++) {
        const o = logits[d];
        s -= Math.max(o, 0) - x[d] * o + Math.log1p(Math.exp(-Math.abs(o)));
      }
      return s;
    }
    const logPrior = (z) => -LOG_2PI - 0.5 * (z[0] * z[0] + z[1] * z[1]);
    function logSumExp(v) {
      let m = -Infinity;
      for (const x of v) m = Math.max(m, x);
      let s = 0;
      for (const x of v) s += Math.exp(x - m);
      return m + Math.log(s);
    }
    const squareGrid = (centre, half, cells) => ({ min: [centre[0] - half, centre[1] - half], step: 2 * half / cells, cells });
    function gridPoints(g) {
      const points = [];
      for (let j = 0; j < g.cells; j++) {
        for (let i = 0; i < g.cells; i++) points.push([g.min[0] + (i + 0.5) * g.step, g.min[1] + (j + 0.5) * g.step]);
      }
      return points;
    }
    // The decoder at every point, yielding to the page every 30 ms; null once a newer digit
    // has started its own computation.
    async function scoreAll(x, points, generation) {
      const out = new Float64Array(points.length);
      let t = performance.now();
      for (let k = 0; k < points.length; k++) {
        out[k] = logLikelihood(x, points[k]);
        if (performance.now() - t > 30) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          if (generation !== gap.generation) return null;
          t = performance.now();
        }
      }
      return out;
    }

    async function computeGap(x, q, source) {
      const generation = ++gap.generation;
      const t0 = performance.now();
      gapOut.dataset.state = 'computing';
      gapOut.dataset.source = source;
      gapOut.textContent = 'Computing the true posterior on the grid\u2026';
      const [mu, sigma] = [Array.from(q.mu), Array.from(q.sigma)];
      // 1. Where the posterior lives: the coarse cells within `threshold` nats of the best.
      const coarse = squareGrid([0, 0], R, GRID.coarse);
      const cp = gridPoints(coarse);
      const cl = await scoreAll(x, cp, generation);
      if (!cl) return;
      let best = -Infinity;
      const cj = cp.map((z, k) => cl[k] + logPrior(z));
      for (const v of cj) best = Math.max(best, v);
      const pad = 1.5 * coarse.step;
      const lo = [mu[0] - 3 * sigma[0], mu[1] - 3 * sigma[1]];
      const hi = [mu[0] + 3 * sigma[0], mu[1] + 3 * sigma[1]];
      cp.forEach((z, k) => {
        if (cj[k] >= best - GRID.threshold) {
          for (let d = 0; d < 2; d++) {
            lo[d] = Math.min(lo[d], z[d] - pad);
            hi[d] = Math.max(hi[d], z[d] + pad);
          }
        }
      });
      // 2. The fine grid over that window: log p(x) by the midpoint rule.
      const half = 0.5 * Math.max(hi[0] - lo[0], hi[1] - lo[1]);
      const win = squareGrid([0.5 * (lo[0] + hi[0]), 0.5 * (lo[1] + hi[1])], half, GRID.fine);
      const fp = gridPoints(win);
      const fl = await scoreAll(x, fp, generation);
      if (!fl) return;
      const logJoint = fp.map((z, k) => fl[k] + logPrior(z));
      const logPx = logSumExp(logJoint) + Math.log(win.step * win.step);
      // 3. E_q[log p(x | z)] on q's grid mu + sigma u, u on [-5, 5]^2, weights q normalised.
      const [n, w] = [GRID.qCells, GRID.qHalfWidth];
      const u = (k) => -w + (k + 0.5) * (2 * w / n);
      const qp = [], qw = [];
      for (let j = 0; j < n; j++) {
        for (let i = 0; i < n; i++) {
          qp.push([mu[0] + sigma[0] * u(i), mu[1] + sigma[1] * u(j)]);
          qw.push(-0.5 * (u(i) * u(i) + u(j) * u(j)));
        }
      }
      const ql = await scoreAll(x, qp, generation);
      if (!ql) return;
      const norm = logSumExp(qw);
      let expected = 0;
      for (let k = 0; k < ql.length; k++) expected += Math.exp(qw[k] - norm) * ql[k];
      let klPrior = 0;
      for (let d = 0; d < 2; d++) klPrior += 0.5 * (mu[d] * mu[d] + sigma[d] * sigma[d] - 1 - 2 * Math.log(sigma[d]));
      const elbo = expected - klPrior;
      const ms = performance.now() - t0;
      gap.result = { window: win, logJoint, mu, sigma, logPx, elbo, gap: logPx - elbo };
      showGap(ms);
      drawPlane();
    }

    // The heat map of p(z | x) on the window, white to dark blue, with q's ellipses (red).
    function showGap(ms) {
      const r = gap.result;
      const g = r.window;
      const ctx = gapCanvas.getContext('2d');
      const S = gapCanvas.width;
      const cell = S / g.cells;
      let top = -Infinity;
      for (const v of r.logJoint) top = Math.max(top, v);
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, S, S);
      for (let j = 0; j < g.cells; j++) {
        for (let i = 0; i < g.cells; i++) {
          const p = Math.exp(r.logJoint[j * g.cells + i] - top);
          ctx.fillStyle = `rgb(${Math.round(255 - 247 * p)}, ${Math.round(255 - 174 * p)}, ${Math.round(255 - 99 * p)})`;
          ctx.fillRect(Math.floor(i * cell), Math.floor((g.cells - 1 - j) * cell), Math.ceil(cell), Math.ceil(cell));
        }
      }
      const toWin = (z) => [(z[0] - g.min[0]) / (g.cells * g.step) * S, S - (z[1] - g.min[1]) / (g.cells * g.step) * S];
      const [x, y] = toWin(r.mu);
      const [sx, sy] = r.sigma.map((s) => s / (g.cells * g.step) * S);
      posteriorEllipses(ctx, x, y, sx, sy);
      const max = [g.min[0] + g.cells * g.step, g.min[1] + g.cells * g.step];
      const range = (d) => `[${fmt(g.min[d], 2)}, ${fmt(max[d], 2)}]`;
      ctx.fillStyle = '#333';
      ctx.font = '11px sans-serif';
      ctx.fillText(`z\u2081 \u2208 ${range(0)}, z\u2082 \u2208 ${range(1)}`, 4, S - 5);
      gapOut.textContent = `ELBO = ${fmt(r.elbo, 2)} nats; log p(x) \u2248 ${fmt(r.logPx, 2)} nats; ` +
        `their difference, KL(q \u2016 p(z | x)) = ${fmt(r.gap, 2)} nats. ` +
        `Grid: ${g.cells} \u00d7 ${g.cells} cells of side ${g.step.toPrecision(3)} over z\u2081 \u2208 ${range(0)}, z\u2082 \u2208 ${range(1)}, ` +
        `the window where a ${GRID.coarse} \u00d7 ${GRID.coarse} grid over the plane finds p(x, z) within ${GRID.threshold} nats of its largest value; ` +
        `E_q by a ${GRID.qCells} \u00d7 ${GRID.qCells} grid over \u03bc \u00b1 ${GRID.qHalfWidth}\u03c3 (${Math.round(ms)} ms).`;
      Object.assign(gapOut.dataset, {
        state: 'done', elbo: String(r.elbo), logpx: String(r.logPx), gap: String(r.gap), ms: String(ms),
        window: JSON.stringify([g.min[0], g.min[1], g.step, g.cells]), settings: JSON.stringify(GRID),
      });
      gapCanvas.setAttribute('aria-label', `The true posterior p(z | x) of the 2-d model as a heat map over z1 from ${fmt(g.min[0], 2)} to ${fmt(max[0], 2)} and z2 from ${fmt(g.min[1], 2)} to ${fmt(max[1], 2)}, with the encoder's Gaussian q(z | x) as red ellipses at one and two standard deviations around ${pair(r.mu, 2)}; the gap between the ELBO and log p(x) is ${fmt(r.gap, 2)} nats.`);
    }

    function clearGap() {
      ++gap.generation;
      clearTimeout(gap.timer);
      gap.result = null;
      gapCanvas.getContext('2d').clearRect(0, 0, gapCanvas.width, gapCanvas.height);
      gapOut.textContent = 'Draw a digit, or start from a test digit, to see its true posterior.';
      for (const k of ['state', 'source', 'elbo', 'logpx', 'gap', 'ms', 'window', 'settings']) delete gapOut.dataset[k];
      gapCanvas.setAttribute('aria-label', 'No true posterior yet: the pad is empty.');
    }

    // ---- 1. The plane: a point z decoded live ----
    const planeDigit = $('vx-plane-digit');
    const planeOut = $('vx-plane-z');

    function setZ(z) {
      // On the grid, inside the square; k / 20 rounds like Rust's (k as f32) / 20.0.
      state.z = z.map((v) => Math.fround(Math.round(Math.min(R, Math.max(-R, v)) * PER_UNIT) / PER_UNIT));
      const pixels = timed(() => m2.decode(Float32Array.from(state.z)));
      paintDigit(planeDigit, pixels);
      const looks = nearestLabel(state.z);
      planeOut.textContent = `z = ${pair(state.z, 2)}, nearest test code: a ${looks}`;
      planeOut.dataset.z = JSON.stringify(state.z);
      planeDigit.setAttribute('aria-label', `The decoder's digit for z = ${pair(state.z, 2)}; the nearest test digit's code there is a ${looks}.`);
      plane.setAttribute('aria-label', `The latent plane of the 2-d model, z from ${-R} to ${R} on both axes, with the posterior means of ${scatterLabel.length} test digits coloured by label. The marker is at z = ${pair(state.z, 2)}${state.drawn ? `; your drawing's posterior mean is at ${pair(state.drawn.mu, 2)}` : ''}. Arrow keys move it.`);
      drawPlane();
      showTiming();
    }

    planeControls(plane, R, () => state.z, setZ);

    // ---- 2. Draw a digit: the encoder's posterior, and its reconstruction ----
    const pad = $('vx-draw');
    const recon = $('vx-recon');
    const posteriorOut = $('vx-posterior');
    const seenCanvas = $('vx-seen');
    const seenOut = $('vx-seen-out');
    const recon20 = $('vx-recon20');
    const recon20Out = $('vx-recon20-out');
    const normalise = $('vx-normalise');
    const ink = new Float64Array(SIDE * SIDE);

    // A round brush with soft edges, about as wide as MNIST's strokes (2 to 3 pixels).
    function stamp(cx, cy) {
      for (let y = Math.floor(cy - 2); y <= Math.ceil(cy + 2); y++) {
        for (let x = Math.floor(cx - 2); x <= Math.ceil(cx + 2); x++) {
          if (x < 0 || y < 0 || x >= SIDE || y >= SIDE) continue;
          const d = Math.hypot(x + 0.5 - cx, y + 0.5 - cy);
          const v = Math.min(1, Math.max(0, 1.8 - d));
          ink[y * SIDE + x] = Math.max(ink[y * SIDE + x], v);
        }
      }
    }

    function encodeDrawing() {
      paintDigit(pad, ink);
      const any = ink.some((v) => v > 0);
      if (!any) {
        state.drawn = null;
        state.seen = null;
        for (const c of [recon, seenCanvas, recon20]) c.getContext('2d').clearRect(0, 0, SIDE, SIDE);
        posteriorOut.textContent = 'Draw a digit, or start from a test digit.';
        seenOut.textContent = normalise.checked ? 'normalised like MNIST' : 'as drawn';
        recon20Out.textContent = 'the 20-d model';
        for (const o of [posteriorOut, recon20Out]) {
          for (const k of ['mu', 'sigma', 'nearest']) delete o.dataset[k];
        }
        delete seenOut.dataset.bytes;
        pad.setAttribute('aria-label', 'An empty drawing pad of 28 by 28 pixels.');
        recon.setAttribute('aria-label', 'No reconstruction yet: the pad is empty.');
        seenCanvas.setAttribute('aria-label', 'Nothing for the encoder yet: the pad is empty.');
        recon20.setAttribute('aria-label', 'No reconstruction by the 20-d model yet: the pad is empty.');
        clearGap();
      } else {
        // What the encoders see: the drawing normalised as MNIST's digits were, or as drawn.
        const seen = normalise.checked ? likeMnist(ink) : Uint8Array.from(ink, toByte);
        const x = unitPixels(seen);
        state.seen = seen;
        paintDigit(seenCanvas, x);
        const how = normalise.checked ? 'normalised like MNIST' : 'as drawn, not normalised';
        seenOut.textContent = how;
        seenOut.dataset.bytes = JSON.stringify(Array.from(seen));
        seenCanvas.setAttribute('aria-label', `The 28 by 28 image the encoders see: your drawing ${how}.`);

        const q = timed(() => m2.encode(x));
        state.drawn = q;
        const looks = nearestLabel(q.mu);
        paintDigit(recon, timed(() => m2.decode(q.mu)));
        posteriorOut.textContent = `2-d model: \u03bc = ${pair(q.mu, 3)}, \u03c3 = ${pair(q.sigma, 3)}; nearest test code: a ${looks}`;
        posteriorOut.dataset.mu = JSON.stringify(Array.from(q.mu));
        posteriorOut.dataset.sigma = JSON.stringify(Array.from(q.sigma));
        pad.setAttribute('aria-label', `Your drawing, 28 by 28 pixels, ${ink.filter((v) => v > 0).length} of them inked.`);
        recon.setAttribute('aria-label', `The 2-d model's reconstruction from the posterior mean ${pair(q.mu, 2)}, near the test codes of ${looks}s.`);

        const q20 = timed(() => m20.encode(x));
        const looks20 = nearestLabel20(q20.mu);
        paintDigit(recon20, timed(() => m20.decode(q20.mu)));
        recon20Out.textContent = `20-d model: nearest test code: a ${looks20}`;
        Object.assign(recon20Out.dataset, {
          mu: JSON.stringify(Array.from(q20.mu)), sigma: JSON.stringify(Array.from(q20.sigma)), nearest: String(looks20),
        });
        recon20.setAttribute('aria-label', `The 20-d model's reconstruction of the image the encoders see; the nearest test digit's code in that model is a ${looks20}.`);

        // The grid takes longer than a stroke: once the drawing rests for a moment.
        ++gap.generation;
        clearTimeout(gap.timer);
        const source = startFrom.value;
        gapOut.dataset.state = 'waiting';
        gap.timer = setTimeout(() => computeGap(x, q, source), 250);
      }
      setZ(state.z); // redraws the plane with the ellipse
      if (ends.a === 'drawing' || ends.b === 'drawing') interpolate();
      for (const f of drawingListeners) f();
    }

    let stroke = null;
    let pending = false;
    const schedule = () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => { pending = false; encodeDrawing(); });
    };
    pad.addEventListener('pointerdown', (e) => {
      pad.setPointerCapture(e.pointerId);
      const [u, v] = fraction(e, pad);
      stroke = [u * SIDE, v * SIDE];
      stamp(stroke[0], stroke[1]);
      startFrom.value = '';
      schedule();
      e.preventDefault();
    });
    pad.addEventListener('pointermove', (e) => {
      if (!stroke) return;
      const [u, v] = fraction(e, pad);
      const [x, y] = [u * SIDE, v * SIDE];
      // Stamps every quarter pixel along the segment, so fast strokes leave no gaps.
      const n = Math.max(1, Math.ceil(4 * Math.hypot(x - stroke[0], y - stroke[1])));
      for (let k = 1; k <= n; k++) stamp(stroke[0] + (x - stroke[0]) * k / n, stroke[1] + (y - stroke[1]) * k / n);
      stroke = [x, y];
      schedule();
    });
    const endStroke = () => { stroke = null; };
    pad.addEventListener('pointerup', endStroke);
    pad.addEventListener('pointercancel', endStroke);

    const startFrom = $('vx-draw-start');
    const digitName = (k) => `test image ${digitIndex[k]}, a ${digitLabels[k]}`;
    const option = (value, text) => { const o = document.createElement('option'); o.value = value; o.textContent = text; return o; };
    startFrom.append(option('', '(a blank pad)'));
    for (let k = 0; k < digitCount; k++) startFrom.append(option(String(k), digitName(k)));
    // Bytes onto the pad as ink in [0, 1], in f64 as normalise.rs reads them.
    const placeBytes = (bytes) => { for (let i = 0; i < SIDE * SIDE; i++) ink[i] = bytes[i] / 255; };
    startFrom.addEventListener('change', () => {
      ink.fill(0);
      if (startFrom.value !== '') placeBytes(digitBytes(Number(startFrom.value)));
      encodeDrawing();
    });
    $('vx-clear').addEventListener('click', () => { ink.fill(0); startFrom.value = ''; encodeDrawing(); });
    normalise.addEventListener('change', encodeDrawing);

    // ---- 3. Interpolate in the 20-d model: straight and spherical paths ----
    const fromSelect = $('vx-from');
    const toSelect = $('vx-to');
    const slider = $('vx-t');
    const tOut = $('vx-t-out');
    const ends = { a: '0', b: '1' };
    for (const select of [fromSelect, toSelect]) {
      for (let k = 0; k < digitCount; k++) select.append(option(String(k), digitName(k)));
      select.append(option('drawing', 'your drawing'));
    }
    // Different digits to start with: the first test images labelled 2 and 7, as in chapter 6.
    const firstOf = (label) => Math.max(0, digitLabels.indexOf(label));
    ends.a = fromSelect.value = String(firstOf(2));
    ends.b = toSelect.value = String(firstOf(7));

    // Chapter 6's paths: (1 - t) a + t b, and the great circle through the angle between a and b.
    function lerp(a, b, t) {
      return a.map((v, i) => Math.fround((1 - t) * v + t * b[i]));
    }
    function slerp(a, b, t) {
      const [na, nb] = [norm(a), norm(b)];
      const cos = na > 0 && nb > 0 ? Math.min(1, Math.max(-1, a.reduce((s, v, i) => s + v * b[i], 0) / (na * nb))) : 1;
      const omega = Math.acos(cos);
      if (Math.sin(omega) < 1e-6) return lerp(a, b, t);
      const [wa, wb] = [Math.sin((1 - t) * omega) / Math.sin(omega), Math.sin(t * omega) / Math.sin(omega)];
      return a.map((v, i) => Math.fround(wa * v + wb * b[i]));
    }

    const padImage = () => (state.seen ? unitPixels(state.seen) : new Float32Array(SIDE * SIDE));
    const endImage = (which) => (which === 'drawing' ? padImage() : digit(Number(which)));
    const describe = (which) => (which === 'drawing' ? 'your drawing' : digitName(Number(which)));

    function interpolate() {
      ends.a = fromSelect.value;
      ends.b = toSelect.value;
      const [xa, xb] = [endImage(ends.a), endImage(ends.b)];
      paintDigit($('vx-from-image'), xa);
      paintDigit($('vx-to-image'), xb);
      const [za, zb] = [m20.encode(xa).mu, m20.encode(xb).mu];
      const t = Number(slider.value) / 100;
      tOut.textContent = `t = ${t.toFixed(2)}`;
      for (const [id, path, name] of [['vx-lerp', lerp, 'straight'], ['vx-slerp', slerp, 'spherical']]) {
        const z = path(za, zb, t);
        const canvas = $(id);
        paintDigit(canvas, timed(() => m20.decode(z)));
        $(id + '-out').textContent = `${name}: |z| = ${norm(z).toFixed(2)}`;
        canvas.setAttribute('aria-label', `The decoded digit at t = ${t.toFixed(2)} on the ${name} path from ${describe(ends.a)} to ${describe(ends.b)}; the code's length is ${norm(z).toFixed(2)}.`);
      }
      $('vx-from-image').setAttribute('aria-label', `The start of the path: ${describe(ends.a)}.`);
      $('vx-to-image').setAttribute('aria-label', `The end of the path: ${describe(ends.b)}.`);
      showTiming();
    }
    fromSelect.addEventListener('change', interpolate);
    toSelect.addEventListener('change', interpolate);
    slider.addEventListener('input', interpolate);

    const timing = $('vx-timing');
    function showTiming() {
      const sorted = state.timings.slice().sort((a, b) => a - b);
      const median = sorted[Math.floor(sorted.length / 2)] || 0;
      timing.textContent = `median time of the last ${sorted.length} encodes and decodes: ${median.toFixed(2)} ms`;
      timing.dataset.ms = String(median);
    }

    // For scripts (the book's browser test): 28 x 28 bytes put on the pad as a drawing, and
    // what the page then shows of them.
    window.vaeExplorer = {
      place(bytes) {
        if (bytes.length !== SIDE * SIDE) throw new Error(`place takes ${SIDE * SIDE} bytes, not ${bytes.length}`);
        startFrom.value = '';
        placeBytes(bytes);
        encodeDrawing();
        return { seen: Array.from(state.seen || []), nearest20: Number(recon20Out.dataset.nearest) };
      },
    };

    for (const control of root.querySelectorAll('button, select, input')) control.disabled = false;
    encodeDrawing();
    setZ([0, 0]);
    interpolate();
    status.className = 'vx-status vx-ready';
    status.textContent = `Ready: the weights match their SHA-256 (${data.manifest.sha256.slice(0, 12)}\u2026).`;
    root.dataset.state = 'ready';
    // What chapter 9's part reads: the image the encoders see, and word of each change.
    return {
      seen: () => (state.seen ? unitPixels(state.seen) : null),
      onChange: (f) => drawingListeners.push(f),
    };
  }


  // ---- Chapter 9: digits on demand, and completions of a covered half ----

  function startConditional(data, all, pad) {
    const info = data.manifest.models;
    const [P, Hl, Ll] = [info.labelled.input, info.labelled.hidden, info.labelled.latent];
    const CLASSES = 10;
    // The label-conditioned decoder reads the code, then the one-hot label (labelled.rs).
    const labHidden = layer(all, 'labelled.decoder.hidden.0', Ll + CLASSES, Hl);
    const labOutput = layer(all, 'labelled.decoder.output', Hl, P);
    function onDemand(z, label) {
      const code = new Float32Array(Ll + CLASSES);
      code.set(z);
      code[Ll + label] = 1;
      return dense(labOutput, dense(labHidden, code, true), false).map(sigmoid);
    }

    const [Hc, Lc] = [info.cvae.hidden, info.cvae.latent];
    const scored = need(all, 'cvae.scored', [P]);
    const chain = (names, widths) => names.map((n, k) => layer(all, n, widths[k], widths[k + 1]));
    const base = chain(['cvae.baseline.hidden.0', 'cvae.baseline.hidden.1', 'cvae.baseline.output'], [P, Hc, Hc, P]);
    const priorHidden = chain(['cvae.prior.hidden.0', 'cvae.prior.hidden.1'], [P, Hc, Hc]);
    const priorMu = layer(all, 'cvae.prior.mu', Hc, Lc);
    const priorLogvar = layer(all, 'cvae.prior.logvar', Hc, Lc);
    const gen = chain(['cvae.generation.hidden.0', 'cvae.generation.hidden.1', 'cvae.generation.output'], [Lc, Hc, Hc, P]);
    // Hidden ReLU layers, then the last layer's logits as probabilities.
    const through = (layers, x) => {
      let h = x;
      layers.forEach((l, k) => { h = dense(l, h, k < layers.length - 1); });
      return h.map(sigmoid);
    };

    // benchmark.rs's path, as explorer.rs (chapter 9) computes its test vectors: the pixels to
    // predict read -1, the baseline guesses them, the prior network reads its guess there, and
    // each z = mu + sigma * eps is completed by the generation network; the given pixels are
    // pasted back over every completion.
    function complete(x, eps) {
      const given = Float32Array.from(x, (p, i) => (scored[i] ? -1 : p));
      const guess = through(base, given);
      const paste = (probs) => Float32Array.from(given, (p, i) => (scored[i] ? probs[i] : p));
      let h = Float32Array.from(given, (p, i) => (scored[i] ? guess[i] : p));
      for (const l of priorHidden) h = dense(l, h, true);
      const mu = dense(priorMu, h, false);
      const sigma = dense(priorLogvar, h, false).map((v) => Math.fround(Math.exp(Math.fround(0.5 * v))));
      const completions = eps.map((e) => {
        const z = mu.map((m, k) => Math.fround(m + Math.fround(sigma[k] * e[k])));
        return paste(through(gen, z));
      });
      return { given, baseline: paste(guess), completions };
    }

    // ---- The style plane ----
    const R = 3; // z from -3 to 3: the prior's N(0, I) puts almost all its mass inside
    const { plane, W, toPx } = latentPlane('vx-style', R);
    const labelSelect = $('vx-label');
    for (let c = 0; c < CLASSES; c++) {
      const o = document.createElement('option');
      o.value = o.textContent = String(c);
      labelSelect.append(o);
    }
    labelSelect.value = '7';
    const tiles = digitStrip($('vx-style-row'), CLASSES, (c) => `vx-style-${c}`, 'vx-tiny', String);
    const style = { z: [0, 0] };
    function drawStylePlane() {
      const ctx = plane.getContext('2d');
      drawAxes(ctx, W, R, toPx);
      drawMarker(ctx, ...toPx(style.z));
    }
    function setStyle(z) {
      style.z = z.map((v) => Math.fround(Math.round(Math.min(R, Math.max(-R, v)) * PER_UNIT) / PER_UNIT));
      const label = Number(labelSelect.value);
      const z32 = Float32Array.from(style.z);
      paintDigit($('vx-style-digit'), onDemand(z32, label));
      tiles.forEach((canvas, c) => {
        paintDigit(canvas, onDemand(z32, c));
        canvas.setAttribute('aria-label', `A ${c} drawn by the decoder at z = ${pair(style.z, 2)}.`);
      });
      const out = $('vx-style-z');
      out.textContent = `z = ${pair(style.z, 2)}, label ${label}`;
      out.dataset.z = JSON.stringify(style.z);
      out.dataset.label = String(label);
      $('vx-style-digit').setAttribute('aria-label', `The decoder's ${label} at z = ${pair(style.z, 2)}.`);
      plane.setAttribute('aria-label', `The style plane of chapter 9's label-conditioned VAE, z from ${-R} to ${R} on both axes; the marker is at z = ${pair(style.z, 2)}. Arrow keys move it.`);
      drawStylePlane();
    }
    planeControls(plane, R, () => style.z, setStyle);
    labelSelect.addEventListener('change', () => setStyle(style.z));

    // ---- The covered half ----
    const COMPLETIONS = 6;
    const completionCanvases = digitStrip($('vx-completions'), COMPLETIONS, (k) => `vx-complete-${k}`, 'vx-small', (k) => `CVAE ${k + 1}`);
    // N(0, 1) draws for the codes (Box-Muller), in f32 like the Rust draws.
    function gaussian() {
      const u = 1 - Math.random();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
    }
    const freshEps = () => Array.from({ length: COMPLETIONS }, () => Float32Array.from({ length: Lc }, gaussian));
    let eps = freshEps();
    const completeOut = $('vx-complete-out');
    function showCompletions() {
      const x = pad.seen();
      if (!x) {
        for (const c of [$('vx-covered'), $('vx-baseline'), ...completionCanvases]) c.getContext('2d').clearRect(0, 0, SIDE, SIDE);
        completeOut.textContent = 'Draw a digit on the pad above, or start from a test digit.';
        $('vx-covered').setAttribute('aria-label', 'Nothing to complete yet: the pad is empty.');
        $('vx-baseline').setAttribute('aria-label', 'No completion by the baseline yet: the pad is empty.');
        completionCanvases.forEach((c, k) => c.setAttribute('aria-label', `No completion ${k + 1} by the CVAE yet: the pad is empty.`));
        delete completeOut.dataset.baseline;
        return null;
      }
      const t0 = performance.now();
      const r = complete(x, eps);
      const ms = performance.now() - t0;
      paintDigit($('vx-covered'), r.given.map((p) => (p < 0 ? 0.3 : p)));
      paintDigit($('vx-baseline'), r.baseline);
      r.completions.forEach((c, k) => paintDigit(completionCanvases[k], c));
      $('vx-covered').setAttribute('aria-label', 'The left half of the image the encoders see; the right half, to be completed, drawn grey.');
      $('vx-baseline').setAttribute('aria-label', 'The baseline network\u2019s completion of the right half: one image, the average of what could be there.');
      completionCanvases.forEach((c, k) => c.setAttribute('aria-label', `The CVAE's completion number ${k + 1} of the right half, from its own code.`));
      completeOut.textContent = `six codes from the prior network, completed in ${Math.round(ms)} ms`;
      completeOut.dataset.ms = String(ms);
      return r;
    }
    // Once the drawing rests for a moment: a completion costs more than a stroke's encoding.
    let timer = 0;
    pad.onChange(() => { clearTimeout(timer); timer = setTimeout(showCompletions, 30); });
    $('vx-resample').addEventListener('click', () => { eps = freshEps(); showCompletions(); });

    // For scripts (the book's browser test): completions of the pad's image with given draws.
    window.vaeExplorer.complete = (draws) => {
      eps = draws.map((e) => Float32Array.from(e));
      const r = showCompletions();
      return r && { baseline: Array.from(r.baseline), completions: r.completions.map((c) => Array.from(c)) };
    };

    for (const control of [labelSelect, $('vx-resample')]) control.disabled = false;
    setStyle([0, 0]);
    showCompletions();
  }

  // The bytes of a bundle script's data, checked against its manifest's length and SHA-256;
  // an Error whose message says what is wrong and how to regenerate the file.
  async function verified(data, file, command) {
    if (!data || typeof data.base64 !== 'string' || !data.manifest) {
      throw new Error(`The weights did not load: ${file} is missing or unreadable. Regenerate it with \`${command}\`.`);
    }
    let bytes;
    try {
      bytes = base64Bytes(data.base64);
    } catch (e) {
      throw new Error(`The weights are damaged: ${file} does not hold valid base64. Regenerate it with \`${command}\`.`);
    }
    const sha = await sha256Hex(bytes);
    if (bytes.length !== data.manifest.bytes || sha !== data.manifest.sha256) {
      throw new Error(`The weights are damaged: ${file} holds ${bytes.length} bytes with SHA-256 ${sha.slice(0, 12)}\u2026, its manifest says ${data.manifest.bytes} bytes with ${String(data.manifest.sha256).slice(0, 12)}\u2026. Regenerate it with \`${command}\`.`);
    }
    try {
      return tensors(data.manifest, bytes);
    } catch (e) {
      throw new Error(`The weights do not fit the explorer (${e.message}). Regenerate them with \`${command}\`.`);
    }
  }

  async function load() {
    if (!(window.crypto && crypto.subtle)) {
      return fail('This browser cannot check the weights\u2019 SHA-256 here: open the page from disk, from localhost or over HTTPS.');
    }
    const data = window.VAE_EXPLORER_DATA;
    let all, pad;
    try {
      all = await verified(data, 'media/explorer/weights.js', REGENERATE);
    } catch (e) {
      return fail(e.message);
    }
    try {
      pad = start(data, all);
    } catch (e) {
      return fail(`The weights do not fit the explorer (${e.message}). Regenerate them with \`${REGENERATE}\`.`);
    }
    // Chapter 9's part has its own file: without it, the rest of the page still works.
    const condStatus = $('vx-cond-status');
    try {
      const cond = window.VAE_EXPLORER_CONDITIONAL;
      const condAll = await verified(cond, 'media/explorer/conditional.js', REGENERATE_9);
      try {
        startConditional(cond, condAll, pad);
      } catch (e) {
        throw new Error(`The weights do not fit the explorer (${e.message}). Regenerate them with \`${REGENERATE_9}\`.`);
      }
      condStatus.className = 'vx-status vx-ready';
      condStatus.textContent = `Ready: chapter 9's weights match their SHA-256 (${cond.manifest.sha256.slice(0, 12)}\u2026).`;
      root.dataset.conditional = 'ready';
    } catch (e) {
      condStatus.className = 'vx-status vx-error';
      condStatus.textContent = e.message;
      root.dataset.conditional = 'error';
      console.error('latent explorer, chapter 9: ' + e.message);
    }
  }

  load();
})();
