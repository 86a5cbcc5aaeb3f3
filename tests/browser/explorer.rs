//! The latent explorer against the Rust code: a point set with real pointer events decodes to
//! the Rust decoder's pixels, a test digit put on the drawing pad encodes to the Rust
//! encoder's mu and sigma, a stroke moves the posterior, the slider changes the frames.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use fantoccini::Locator;
use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::key::Key;

use ch06_experiments::altered::Alteration;
use ch06_experiments::pad::{self, Recognised};
use ch06_experiments::true_posterior::SETTINGS;

use crate::chrome::Browser;
use crate::vectors::{ConditionalVectors, Vectors, grey_difference, relative_difference};

/// The page's promise: within 2 grey levels of the Rust decoder, 1e-4 of the Rust encoder.
pub const MAX_GREY_DIFFERENCE: f32 = 2.0;
pub const MAX_RELATIVE_DIFFERENCE: f32 = 1e-4;
/// A decode well under a frame at 60 Hz.
pub const MAX_DECODE_MS: f64 = 16.0;
/// The true posterior's three numbers (ELBO, log p(x), their difference) against
/// true_posterior.rs, in nats: the page's f32 decoder sums in another order than Rust's.
pub const MAX_GAP_NATS: f64 = 1e-3;
/// The grid's whole computation, well under the time a reader waits for a drawing.
pub const MAX_GAP_MS: f64 = 10_000.0;

/// What the checks measured, for the test's output.
#[derive(Debug, Default)]
pub struct Measured {
    pub grey: f32,
    pub relative: f32,
    pub decode_ms: f64,
    pub gap_nats: f64,
    pub gap_ms: f64,
}

/// Waits until the explorer has verified its weights and started; an error tells why not.
pub async fn ready(b: &Browser) -> Result<()> {
    let state = b
        .wait_until(
            "const e = document.getElementById('vx-explorer'); return e && e.dataset.state !== 'loading' && e.dataset.state;",
            Duration::from_secs(30),
            "the explorer leaves its loading state",
        )
        .await?;
    if state != "ready" {
        let status = b
            .js("return document.getElementById('vx-status').textContent")
            .await?;
        bail!("the explorer did not start: {status}");
    }
    Ok(())
}

/// Every check of the explorer page open in `b`; `tag` names the screenshots.
pub async fn check(
    b: &Browser,
    vectors: &Vectors,
    weights: &Path,
    shots: &Path,
    tag: &str,
    measured: &mut Measured,
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    if let Err(e) = ready(b).await {
        return Ok(vec![format!("explorer ({tag}): {e}")]);
    }

    // The plane: each exported z, reached by moving the mouse over the plane.
    for d in vectors.decode.iter().filter(|d| d.model == "latent2") {
        point_at(b, d.z[0], d.z[1]).await?;
        let target = format!("{:?}", d.z);
        let reached = b
            .wait_until(
                &format!(
                    "const z = JSON.parse(document.getElementById('vx-plane-z').dataset.z || 'null');
                     const t = {target};
                     return z && Math.abs(z[0] - t[0]) < 1e-6 && Math.abs(z[1] - t[1]) < 1e-6;"
                ),
                Duration::from_secs(5),
                &format!("the pointer sets z = {target}"),
            )
            .await;
        if let Err(e) = reached {
            let z = b
                .js("return document.getElementById('vx-plane-z').dataset.z")
                .await?;
            problems.push(format!("explorer ({tag}): {e}; the page has z = {z}"));
            continue;
        }
        let grey = canvas_grey(b, "vx-plane-digit").await?;
        let diff = grey_difference(&grey, &d.probabilities);
        measured.grey = measured.grey.max(diff);
        if diff > MAX_GREY_DIFFERENCE {
            problems.push(format!(
                "explorer ({tag}): at z = {target} the canvas differs from the Rust decoder by {diff:.2} grey levels (at most {MAX_GREY_DIFFERENCE})"
            ));
        }
    }
    b.js("document.getElementById('vx-plane').scrollIntoView({ block: 'start' })")
        .await?;
    b.screenshot(&shots.join(format!("explorer-{tag}-plane.png")))
        .await?;

    // The drawing pad: a test digit, normalised as MNIST's were, then a stroke over it.
    let start = b.client.find(Locator::Id("vx-draw-start")).await?;
    for e in &vectors.encode {
        start.select_by_value(&e.digit.to_string()).await?;
        let (mu, sigma) = if e.model == "latent2" {
            posterior(b).await?
        } else {
            posterior_in(
                b,
                "vx-recon20-out",
                "the pad shows the 20-d model's posterior",
            )
            .await?
        };
        let rel = relative_difference(&mu, &e.mu).max(relative_difference(&sigma, &e.sigma));
        measured.relative = measured.relative.max(rel);
        if rel > MAX_RELATIVE_DIFFERENCE {
            problems.push(format!(
                "explorer ({tag}): test digit {} in the {} model: the page's mu {mu:?}, sigma {sigma:?} differ from Rust's {:?}, {:?} by a relative {rel:.1e} (at most {MAX_RELATIVE_DIFFERENCE:.0e})",
                e.digit, e.model, e.mu, e.sigma
            ));
        }
        // MNIST's digits pass the normalisation unchanged, so this checks the path from the
        // pad to the encoders; check_normalisation checks the normalisation itself.
        let seen = seen_bytes(b).await?;
        if seen != e.seen {
            let differ = seen.iter().zip(&e.seen).filter(|(a, b)| a != b).count();
            problems.push(format!(
                "explorer ({tag}): test digit {}: the image the encoders see differs from mnist::normalise's in {differ} of {} bytes",
                e.digit,
                e.seen.len()
            ));
        }
    }
    // The true posterior of the first of those digits, against the Rust computation.
    if let Some(e) = vectors.encode.iter().find(|e| e.model == "latent2") {
        start.select_by_value(&e.digit.to_string()).await?;
        match check_gap(b, weights, e.digit, measured).await {
            Ok(found) => {
                problems.extend(found.into_iter().map(|p| format!("explorer ({tag}): {p}")))
            }
            Err(err) => problems.push(format!("explorer ({tag}): the true posterior: {err:#}")),
        }
        b.js("document.getElementById('vx-gap').scrollIntoView({ block: 'center' })")
            .await?;
        b.screenshot(&shots.join(format!("explorer-{tag}-gap.png")))
            .await?;
    }
    let before = posterior(b).await?;
    stroke(b, "vx-draw").await?;
    let moved = b
        .wait_until(
            &format!(
                "return document.getElementById('vx-posterior').dataset.mu !== {:?}",
                serde_json::to_string(&before.0)?
            ),
            Duration::from_secs(5),
            "a stroke on the pad changes mu",
        )
        .await;
    if let Err(e) = moved {
        problems.push(format!("explorer ({tag}): {e}"));
    }
    // The drawing's true posterior follows once the drawing rests.
    let computed = b
        .wait_until(
            "const o = document.getElementById('vx-gap-out');
             return o.dataset.state === 'done' && o.dataset.source === '';",
            Duration::from_secs(60),
            "the drawing's true posterior is computed",
        )
        .await;
    if let Err(e) = computed {
        problems.push(format!("explorer ({tag}): {e}"));
    }
    b.js("document.getElementById('vx-draw').scrollIntoView({ block: 'center' })")
        .await?;
    b.screenshot(&shots.join(format!("explorer-{tag}-draw.png")))
        .await?;

    // Interpolation: the 20-d model at t = 0 is the decoded mean of the start digit.
    let slider = b.client.find(Locator::Id("vx-t")).await?;
    for d in vectors.decode.iter().filter(|d| d.model == "latent20") {
        let Some(digit) = d.digit else { continue };
        b.client
            .find(Locator::Id("vx-from"))
            .await?
            .select_by_value(&digit.to_string())
            .await?;
        slider.send_keys(&char::from(Key::Home).to_string()).await?;
        b.wait_until(
            "return document.getElementById('vx-t-out').textContent === 't = 0.00'",
            Duration::from_secs(5),
            "the Home key puts the slider at t = 0",
        )
        .await?;
        let grey = canvas_grey(b, "vx-lerp").await?;
        let diff = grey_difference(&grey, &d.probabilities);
        measured.grey = measured.grey.max(diff);
        if diff > MAX_GREY_DIFFERENCE {
            problems.push(format!(
                "explorer ({tag}): the 20-d model's decoded start digit {digit} differs from Rust's by {diff:.2} grey levels"
            ));
        }
    }
    // From the first of those digits to the page's other end (a different digit).
    let first = vectors.decode.iter().find_map(|d| d.digit);
    if let Some(digit) = first {
        b.client
            .find(Locator::Id("vx-from"))
            .await?
            .select_by_value(&digit.to_string())
            .await?;
    }
    let (lerp0, slerp0) = (
        canvas_grey(b, "vx-lerp").await?,
        canvas_grey(b, "vx-slerp").await?,
    );
    slide_to(b, 0.7).await?;
    // The page may still be computing a true posterior in 30 ms slices: the click's input event
    // can come a slice later.
    let _ = b
        .wait_until(
            "return document.getElementById('vx-t-out').textContent !== 't = 0.00'",
            Duration::from_secs(5),
            "the slider leaves t = 0",
        )
        .await;
    let t = b
        .js("return document.getElementById('vx-t-out').textContent")
        .await?;
    let (lerp1, slerp1) = (
        canvas_grey(b, "vx-lerp").await?,
        canvas_grey(b, "vx-slerp").await?,
    );
    if t == "t = 0.00" || lerp1 == lerp0 || slerp1 == slerp0 {
        problems.push(format!(
            "explorer ({tag}): moving the slider (now {t}) did not change both frames"
        ));
    }
    b.js("document.getElementById('vx-t').scrollIntoView({ block: 'center' })")
        .await?;
    b.screenshot(&shots.join(format!("explorer-{tag}-interpolate.png")))
        .await?;

    let ms = b
        .js("return Number(document.getElementById('vx-timing').dataset.ms)")
        .await?
        .as_f64()
        .unwrap_or(f64::INFINITY);
    measured.decode_ms = measured.decode_ms.max(ms);
    if ms >= MAX_DECODE_MS {
        problems.push(format!(
            "explorer ({tag}): a decode takes {ms:.2} ms (median), not under {MAX_DECODE_MS} ms"
        ));
    }
    let unlabelled = b
        .js("return [...document.querySelectorAll('canvas')].filter((c) => { const l = c.getAttribute('aria-label') || ''; return !l.trim() || l.includes('(loading)'); }).map((c) => c.id)")
        .await?;
    for id in unlabelled.as_array().into_iter().flatten() {
        problems.push(format!(
            "explorer ({tag}): canvas {id} has no text alternative"
        ));
    }
    Ok(problems)
}

/// On a phone's width the explorer fits the screen and the plane still answers the pointer.
pub async fn check_narrow(b: &Browser, vectors: &Vectors, shots: &Path) -> Result<Vec<String>> {
    if let Err(e) = ready(b).await {
        return Ok(vec![format!("explorer (narrow): {e}")]);
    }
    let mut problems = Vec::new();
    let overflow = b
        .js(r#"
            const width = document.documentElement.clientWidth;
            const wide = [...document.querySelectorAll('#vx-explorer canvas, #vx-explorer select, #vx-explorer input')]
                .filter((e) => e.getBoundingClientRect().right > width + 0.5).map((e) => e.id);
            return { width, scroll: document.documentElement.scrollWidth, wide };
        "#)
        .await?;
    if overflow["scroll"].as_f64() > overflow["width"].as_f64()
        || overflow["wide"].as_array().is_some_and(|w| !w.is_empty())
    {
        problems.push(format!(
            "explorer (narrow): wider than the screen: {overflow}"
        ));
    }
    let d = vectors
        .decode
        .iter()
        .find(|d| d.model == "latent2")
        .context("a 2-d decode")?;
    point_at(b, d.z[0], d.z[1]).await?;
    let z = b
        .js("return document.getElementById('vx-plane-z').dataset.z")
        .await?;
    let expected: Vec<f32> = serde_json::from_str(z.as_str().unwrap_or("null")).unwrap_or_default();
    if expected != d.z {
        problems.push(format!(
            "explorer (narrow): the pointer at z = {:?} set z = {z}",
            d.z
        ));
    }
    b.js("document.getElementById('vx-plane').scrollIntoView({ block: 'start' })")
        .await?;
    b.screenshot(&shots.join("explorer-narrow-plane.png"))
        .await?;
    b.js("document.getElementById('vx-t').scrollIntoView({ block: 'center' })")
        .await?;
    b.screenshot(&shots.join("explorer-narrow-interpolate.png"))
        .await?;
    Ok(problems)
}

/// The page's ELBO, log p(x) and gap for the offered digit `digit` against
/// `ch06_experiments::true_posterior` on the same rounded weights and plane; and the page's
/// grid settings and prose against the Rust settings.
async fn check_gap(
    b: &Browser,
    weights: &Path,
    digit: usize,
    measured: &mut Measured,
) -> Result<Vec<String>> {
    let v = b
        .wait_until(
            &format!(
                "const o = document.getElementById('vx-gap-out');
                 return o.dataset.state === 'done' && o.dataset.source === '{digit}' &&
                   [o.dataset.elbo, o.dataset.logpx, o.dataset.gap, o.dataset.window, o.dataset.settings, o.dataset.ms,
                    document.getElementById('vx-plane').dataset.zmax];"
            ),
            Duration::from_secs(60),
            "the true posterior of the test digit is computed",
        )
        .await?;
    let v: Vec<String> = serde_json::from_value(v)?;
    let number = |k: usize| -> Result<f64> {
        v[k].parse()
            .with_context(|| format!("not a number: {:?}", v[k]))
    };
    let (elbo, log_px, gap, ms, plane) =
        (number(0)?, number(1)?, number(2)?, number(5)?, number(6)?);
    let window: Vec<f64> = serde_json::from_str(&v[3])?;
    let settings: serde_json::Value = serde_json::from_str(&v[4])?;

    let reference = crate::vectors::true_posterior(weights, digit, plane)?;
    let mut problems = Vec::new();
    let s = &SETTINGS;
    for (name, rust) in [
        ("coarse", s.coarse as f64),
        ("fine", s.fine as f64),
        ("qCells", s.q_cells as f64),
        ("qHalfWidth", s.q_half_width),
        ("threshold", s.threshold),
    ] {
        if settings[name].as_f64() != Some(rust) {
            problems.push(format!(
                "the page's grid setting {name} is {}, true_posterior.rs's {rust}",
                settings[name]
            ));
        }
    }
    let g = reference.window;
    let same_window = window.len() == 4
        && (window[0] - g.min[0]).abs() < 1e-9
        && (window[1] - g.min[1]).abs() < 1e-9
        && (window[2] - g.step).abs() < 1e-12
        && window[3] == g.cells as f64;
    if !same_window {
        problems.push(format!("the page's window {window:?} is not Rust's {g:?}"));
    }
    let mut worst = 0.0f64;
    for (name, page, rust) in [
        ("ELBO", elbo, reference.elbo),
        ("log p(x)", log_px, reference.log_px),
        ("their difference", gap, reference.gap),
    ] {
        let diff = (page - rust).abs();
        worst = worst.max(diff);
        if diff.is_nan() || diff > MAX_GAP_NATS {
            problems.push(format!(
                "test digit {digit}: the page's {name} {page} differs from Rust's {rust} by {diff:.1e} nats (at most {MAX_GAP_NATS:.0e})"
            ));
        }
    }
    if reference.gap.is_nan() || reference.gap <= 0.0 {
        problems.push(format!(
            "test digit {digit}: Rust's gap {} is not positive",
            reference.gap
        ));
    }
    measured.gap_nats = measured.gap_nats.max(worst);
    measured.gap_ms = measured.gap_ms.max(ms);
    if ms >= MAX_GAP_MS {
        problems.push(format!(
            "the true posterior took {ms:.0} ms, not under {MAX_GAP_MS} ms"
        ));
    }
    // The prose states the settings: the same numbers.
    let page = std::fs::read_to_string(crate::site::root().join("book").join("explorer.md"))?;
    for words in [
        format!("within {} nats", s.threshold),
        format!("$\\mu \\pm {}\\sigma$", s.q_half_width),
    ] {
        if !page.contains(&words) {
            problems.push(format!(
                "book/explorer.md does not say {words:?}, as true_posterior.rs's settings have it"
            ));
        }
    }
    Ok(problems)
}

/// Moves the mouse over the plane to the point `(z1, z2)`, from the plane's range and place.
async fn point_at(b: &Browser, z1: f32, z2: f32) -> Result<()> {
    point_on(b, "vx-plane", z1, z2).await
}

/// Moves the mouse to the point `(z1, z2)` of the plane `id` (its range in `data-zmin/zmax`).
async fn point_on(b: &Browser, id: &str, z1: f32, z2: f32) -> Result<()> {
    let r = b
        .js(&format!(
            "const p = document.getElementById('{id}');
             p.scrollIntoView({{ block: 'center' }});
             const r = p.getBoundingClientRect();
             return [r.left, r.top, r.width, r.height, Number(p.dataset.zmin), Number(p.dataset.zmax)];"
        ))
        .await?;
    let r: Vec<f64> = serde_json::from_value(r)?;
    let (u, v) = (
        (f64::from(z1) - r[4]) / (r[5] - r[4]),
        (r[5] - f64::from(z2)) / (r[5] - r[4]),
    );
    let (x, y) = ((r[0] + u * r[2]).round(), (r[1] + v * r[3]).round());
    let mouse = MouseActions::new("mouse".into()).then(PointerAction::MoveTo {
        duration: None,
        x,
        y,
    });
    b.client.perform_actions(mouse).await?;
    Ok(())
}

/// A stroke across the middle of the element `id`: press, drag right and down, release.
async fn stroke(b: &Browser, id: &str) -> Result<()> {
    let r = b
        .js(&format!(
            "const e = document.getElementById('{id}'); e.scrollIntoView({{ block: 'center' }});
             const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height];"
        ))
        .await?;
    let r: Vec<f64> = serde_json::from_value(r)?;
    let at = |u: f64, v: f64| PointerAction::MoveTo {
        duration: None,
        x: (r[0] + u * r[2]).round(),
        y: (r[1] + v * r[3]).round(),
    };
    let mut mouse =
        MouseActions::new("mouse".into())
            .then(at(0.25, 0.3))
            .then(PointerAction::Down {
                button: MOUSE_BUTTON_LEFT,
            });
    for k in 1..=10 {
        let s = f64::from(k) / 10.0;
        mouse = mouse.then(at(0.25 + 0.5 * s, 0.3 + 0.4 * s));
    }
    mouse = mouse.then(PointerAction::Up {
        button: MOUSE_BUTTON_LEFT,
    });
    b.client.perform_actions(mouse).await?;
    Ok(())
}

/// Clicks the slider at `fraction` of its width.
async fn slide_to(b: &Browser, fraction: f64) -> Result<()> {
    let r = b
        .js(
            "const e = document.getElementById('vx-t'); e.scrollIntoView({ block: 'center' });
             const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height];",
        )
        .await?;
    let r: Vec<f64> = serde_json::from_value(r)?;
    let mouse = MouseActions::new("mouse".into())
        .then(PointerAction::MoveTo {
            duration: None,
            x: (r[0] + fraction * r[2]).round(),
            y: (r[1] + 0.5 * r[3]).round(),
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    b.client.perform_actions(mouse).await?;
    Ok(())
}

/// The red channel of a 28 x 28 canvas (its digits are grey).
async fn canvas_grey(b: &Browser, id: &str) -> Result<Vec<u8>> {
    let v = b
        .js(&format!(
            "const c = document.getElementById('{id}');
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
             return Array.from({{ length: c.width * c.height }}, (_, i) => d[4 * i]);"
        ))
        .await?;
    Ok(serde_json::from_value(v)?)
}

/// The drawing's `mu` and `sigma` in the 2-d model as the page holds them (full f32 precision).
async fn posterior(b: &Browser) -> Result<(Vec<f32>, Vec<f32>)> {
    posterior_in(b, "vx-posterior", "the drawing pad shows a posterior").await
}

/// The `mu` and `sigma` that the element `id` holds in its data.
async fn posterior_in(b: &Browser, id: &str, what: &str) -> Result<(Vec<f32>, Vec<f32>)> {
    let v = b
        .wait_until(
            &format!(
                "const o = document.getElementById('{id}');
                 return o.dataset.mu ? [JSON.parse(o.dataset.mu), JSON.parse(o.dataset.sigma)] : null;"
            ),
            Duration::from_secs(5),
            what,
        )
        .await?;
    Ok(serde_json::from_value(v)?)
}

/// The bytes the encoders were given for the drawing on the pad.
async fn seen_bytes(b: &Browser) -> Result<Vec<u8>> {
    let v = b
        .js("return JSON.parse(document.getElementById('vx-seen-out').dataset.bytes || '[]')")
        .await?;
    Ok(serde_json::from_value(v)?)
}

/// Test digits drawn as a reader might (moved to a corner, enlarged to fill the pad, with a
/// thicker pen) and put on the pad, with "Normalise like MNIST" ticked and unticked: the bytes
/// the encoders see are Rust's (`mnist::normalise`'s, or the pad's as drawn), and the page
/// names the right label as the nearest 20-d code exactly as often as `normalisation.csv`
/// says.
pub async fn check_normalisation(b: &Browser, table: &Path) -> Result<Vec<String>> {
    ready(b).await?;
    let mut problems = Vec::new();
    let rows: Vec<Recognised> = support::table::read(table, pad::HEADER)?;
    let data = mnist::load(&mnist::DataOptions {
        dataset: mnist::Dataset::Mnist,
        data_dir: None,
    })?;
    let test = &data.test;
    let end = (pad::MEASURED_FROM + pad::MEASURED_IMAGES).min(test.len());
    let started = std::time::Instant::now();
    let truth = &test.labels[pad::MEASURED_FROM..end];
    for normalised in [true, false] {
        if !normalised {
            click(b, "vx-normalise").await?;
        }
        for alteration in Alteration::ALL {
            let drawn: Vec<Vec<u8>> = (pad::MEASURED_FROM..end)
                .map(|i| alteration.apply(test.images.row(i).as_slice().expect("standard rows")))
                .collect();
            let page = b
                .js(&format!(
                    "const digits = {};
                     return digits.map((d) => window.vaeExplorer.place(d));",
                    serde_json::to_string(&drawn)?
                ))
                .await?;
            let page: Vec<Placed> = serde_json::from_value(page)?;
            let mut right = 0;
            let mut other_bytes = 0;
            for ((placed, image), label) in page.iter().zip(&drawn).zip(truth) {
                right += usize::from(placed.nearest20 == *label);
                other_bytes += usize::from(placed.seen != pad::seen(image, normalised));
            }
            let how = if normalised { "normalised" } else { "as drawn" };
            if other_bytes > 0 {
                problems.push(format!(
                    "explorer: {other_bytes} of {} {alteration} digits ({how}) reach the encoders as other bytes than Rust's",
                    drawn.len()
                ));
            }
            let name = alteration.to_string();
            match rows.iter().find(|r| {
                r.alteration == name && r.normalised == normalised && r.digits == drawn.len()
            }) {
                Some(r) if r.digits == drawn.len() && r.right == right => {}
                Some(r) => problems.push(format!(
                    "explorer: {right} of {} {name} digits ({how}) come back with their label on the page, {} of {} in normalisation.csv",
                    drawn.len(),
                    r.right,
                    r.digits
                )),
                None => problems.push(format!("{}: no {how} row for {name}", table.display())),
            }
        }
    }
    click(b, "vx-normalise").await?;
    println!(
        "explorer: {} test digits drawn four ways placed on the pad, ticked and unticked, in {:.1} s",
        end - pad::MEASURED_FROM,
        started.elapsed().as_secs_f64()
    );
    Ok(problems)
}

/// Clicks the element `id` once it is scrolled to the middle of the window.
async fn click(b: &Browser, id: &str) -> Result<()> {
    b.js(&format!(
        "document.getElementById('{id}').scrollIntoView({{ block: 'center' }})"
    ))
    .await?;
    b.client.find(Locator::Id(id)).await?.click().await?;
    Ok(())
}

/// Chapter 9's part of the explorer against chapter 9's Rust code: the style plane, moved by
/// real pointer events, draws the labelled decoder's digits; the baseline's and the CVAE's
/// completions of a test digit's right half, with Rust's draws, are Rust's; "Draw again"
/// draws other ones.
pub async fn check_conditional(
    b: &Browser,
    vectors: &ConditionalVectors,
    shots: &Path,
    tag: &str,
    measured: &mut Measured,
) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let state = b
        .wait_until(
            "return document.getElementById('vx-explorer').dataset.conditional || false;",
            Duration::from_secs(30),
            "chapter 9's part of the explorer starts",
        )
        .await?;
    if state != "ready" {
        let status = b
            .js("return document.getElementById('vx-cond-status').textContent")
            .await?;
        return Ok(vec![format!(
            "explorer ({tag}): chapter 9's part did not start: {status}"
        )]);
    }
    // The prose gives the style plane's range: the page's.
    let range = b
        .js("return document.getElementById('vx-style').dataset.zmax")
        .await?;
    let words = format!("from $-{0}$ to ${0}$", range.as_str().unwrap_or("?"));
    let page = std::fs::read_to_string(crate::site::root().join("book").join("explorer.md"))?;
    if !page.contains(&words) {
        problems.push(format!(
            "book/explorer.md does not say {words:?}, the style plane's range"
        ));
    }
    let label = b.client.find(Locator::Id("vx-label")).await?;
    for v in &vectors.styled {
        label.select_by_value(&v.label.to_string()).await?;
        point_on(b, "vx-style", v.z[0], v.z[1]).await?;
        let target = format!("{:?}", v.z);
        let reached = b
            .wait_until(
                &format!(
                    "const o = document.getElementById('vx-style-z');
                     const z = JSON.parse(o.dataset.z || 'null'); const t = {target};
                     return z && o.dataset.label === '{}' && Math.abs(z[0] - t[0]) < 1e-6 && Math.abs(z[1] - t[1]) < 1e-6;",
                    v.label
                ),
                Duration::from_secs(5),
                &format!("the pointer sets z = {target} on the style plane"),
            )
            .await;
        if let Err(e) = reached {
            problems.push(format!("explorer ({tag}): {e}"));
            continue;
        }
        for id in [
            "vx-style-digit".to_string(),
            format!("vx-style-{}", v.label),
        ] {
            let diff = grey_difference(&canvas_grey(b, &id).await?, &v.probabilities);
            measured.grey = measured.grey.max(diff);
            if diff > MAX_GREY_DIFFERENCE {
                problems.push(format!(
                    "explorer ({tag}): {id}: the {} at z = {target} differs from chapter 9's decoder by {diff:.2} grey levels",
                    v.label
                ));
            }
        }
    }
    b.js("document.getElementById('vx-style').scrollIntoView({ block: 'start' })")
        .await?;
    b.screenshot(&shots.join(format!("explorer-{tag}-on-demand.png")))
        .await?;

    for c in &vectors.completed {
        b.js(&format!(
            "window.vaeExplorer.place({});",
            serde_json::to_string(&c.image)?
        ))
        .await?;
        b.js(&format!(
            "window.vaeExplorer.complete({});",
            serde_json::to_string(&c.eps)?
        ))
        .await?;
        let mut worst = 0.0f32;
        worst = worst.max(grey_difference(
            &canvas_grey(b, "vx-baseline").await?,
            &c.baseline,
        ));
        for (k, completion) in c.completions.iter().enumerate() {
            let grey = canvas_grey(b, &format!("vx-complete-{k}")).await?;
            worst = worst.max(grey_difference(&grey, completion));
        }
        measured.grey = measured.grey.max(worst);
        if worst > MAX_GREY_DIFFERENCE {
            problems.push(format!(
                "explorer ({tag}): test image {}: the completions differ from chapter 9's by {worst:.2} grey levels",
                c.test_image
            ));
        }
    }
    let before = canvas_grey(b, "vx-complete-0").await?;
    click(b, "vx-resample").await?;
    let after = canvas_grey(b, "vx-complete-0").await?;
    if before == after {
        problems.push(format!(
            "explorer ({tag}): \"Draw again\" left the first completion as it was"
        ));
    }
    b.js("document.getElementById('vx-covered').scrollIntoView({ block: 'center' })")
        .await?;
    b.screenshot(&shots.join(format!("explorer-{tag}-complete.png")))
        .await?;
    Ok(problems)
}

/// What the page's `vaeExplorer.place` answers.
#[derive(Debug, serde::Deserialize)]
struct Placed {
    seen: Vec<u8>,
    nearest20: u8,
}

/// Chapter 9's file damaged: the page starts without it and says why in chapter 9's part.
pub async fn expect_conditional_refusal(b: &Browser, words: &str) -> Result<Vec<String>> {
    ready(b).await?;
    refusal(
        b,
        "document.getElementById('vx-explorer').dataset.conditional || false",
        "vx-cond-status",
        "a damaged conditional.js",
        words,
    )
    .await
}

/// Waits for `state` (a JavaScript expression) to settle; a problem unless it is `error` and
/// the element `status` says `words`.
async fn refusal(
    b: &Browser,
    state: &str,
    status: &str,
    what: &str,
    words: &str,
) -> Result<Vec<String>> {
    let state = b
        .wait_until(
            &format!("return {state};"),
            Duration::from_secs(30),
            "the explorer leaves its loading state",
        )
        .await?;
    let status = b
        .js(&format!(
            "return document.getElementById('{status}').textContent"
        ))
        .await?;
    let status = status.as_str().unwrap_or_default();
    Ok(if state == "error" && status.contains(words) {
        vec![]
    } else {
        vec![format!(
            "explorer with {what}: state {state}, message {status:?} (expected an error saying {words:?})"
        )]
    })
}

/// The damaged-weights path: the page must refuse them and say so.
pub async fn expect_refusal(b: &Browser, what: &str, words: &str) -> Result<Vec<String>> {
    refusal(
        b,
        "document.getElementById('vx-explorer').dataset.state !== 'loading' && document.getElementById('vx-explorer').dataset.state",
        "vx-status",
        what,
        words,
    )
    .await
}
