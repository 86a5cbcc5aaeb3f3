//! The animated GIF: one grey-level frame per epoch, looping forever.

use std::path::Path;

use anyhow::{Context, Result, bail};
use gif::{Encoder, Frame, Repeat};
use image::GrayImage;

use support::atomic::write_atomic;

/// The number of grey levels in the GIF's palette.
pub const LEVELS: u8 = 16;

/// The palette index nearest to the grey `g`.
fn level(g: u8) -> u8 {
    ((u16::from(g) * u16::from(LEVELS - 1) + 127) / 255) as u8
}

/// The grey of palette index `i`.
fn grey(i: u8) -> u8 {
    (u16::from(i) * 255 / u16::from(LEVELS - 1)) as u8
}

/// Encodes same-sized grey pictures as a GIF that loops forever, each frame shown for
/// `delay_cs` hundredths of a second and the last one `last_delay_cs`, so the final state lingers.
pub fn gif_bytes(frames: &[GrayImage], delay_cs: u16, last_delay_cs: u16) -> Result<Vec<u8>> {
    let Some(first) = frames.first() else {
        bail!("a GIF needs at least one frame");
    };
    let (width, height) = first.dimensions();
    let (Ok(w), Ok(h)) = (u16::try_from(width), u16::try_from(height)) else {
        bail!("{width}x{height} pixels is too large for a GIF frame");
    };
    // 16 evenly spaced greys: at this size the eye does not miss the other 240, and GIF's
    // LZW compression, weak on 256 levels, makes the file about three times smaller.
    let palette: Vec<u8> = (0..LEVELS).flat_map(|i| [grey(i); 3]).collect();
    let mut bytes = Vec::new();
    {
        let mut encoder = Encoder::new(&mut bytes, w, h, &palette).context("cannot start GIF")?;
        encoder
            .set_repeat(Repeat::Infinite)
            .context("cannot write GIF")?;
        for (k, picture) in frames.iter().enumerate() {
            if picture.dimensions() != (width, height) {
                bail!(
                    "frame {k} is {:?} pixels, the first was {width}x{height}",
                    picture.dimensions()
                );
            }
            let indices: Vec<u8> = picture.as_raw().iter().map(|&g| level(g)).collect();
            let mut frame = Frame::from_indexed_pixels(w, h, indices, None);
            frame.delay = if k + 1 == frames.len() {
                last_delay_cs
            } else {
                delay_cs
            };
            encoder
                .write_frame(&frame)
                .context("cannot write GIF frame")?;
        }
    }
    Ok(bytes)
}

/// Writes the GIF atomically.
pub fn save_gif(frames: &[GrayImage], path: &Path) -> Result<()> {
    write_atomic(path, &gif_bytes(frames, 50, 200)?)
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_the_gif_loops() {
        let frames: Vec<GrayImage> = (0..3u8)
            .map(|k| GrayImage::from_fn(5, 4, |x, y| image::Luma([k * 80 + (x + y) as u8])))
            .collect();
        let bytes = gif_bytes(&frames, 50, 200).unwrap();
        let mut options = gif::DecodeOptions::new();
        options.set_color_output(gif::ColorOutput::Indexed);
        let mut decoder = options.read_info(bytes.as_slice()).unwrap();
        assert_eq!((decoder.width(), decoder.height()), (5, 4));
        let mut delays = Vec::new();
        for original in &frames {
            let frame = decoder.read_next_frame().unwrap().unwrap();
            let indices: Vec<u8> = original.as_raw().iter().map(|&g| level(g)).collect();
            assert_eq!(&frame.buffer[..], indices.as_slice());
            delays.push(frame.delay);
        }
        assert!(decoder.read_next_frame().unwrap().is_none());
        assert_eq!(delays, [50, 50, 200]);
        // NETSCAPE2.0 application extension with loop count 0 = forever.
        let netscape = bytes.windows(11).position(|w| w == b"NETSCAPE2.0").unwrap();
        assert_eq!(&bytes[netscape + 11..netscape + 16], &[3, 1, 0, 0, 0]);
    }

    #[test]
    fn every_grey_is_drawn_within_half_a_step() {
        for g in 0..=255u8 {
            let drawn = grey(level(g));
            assert!(g.abs_diff(drawn) <= 9, "{g} drawn as {drawn}");
        }
        assert_eq!((grey(level(0)), grey(level(255))), (0, 255));
    }

    #[test]
    fn mismatched_or_missing_frames_are_errors() {
        assert!(gif_bytes(&[], 1, 1).is_err());
        let frames = [GrayImage::new(4, 4), GrayImage::new(5, 4)];
        let err = gif_bytes(&frames, 1, 1).unwrap_err().to_string();
        assert!(err.contains("frame 1"), "{err}");
    }
}
