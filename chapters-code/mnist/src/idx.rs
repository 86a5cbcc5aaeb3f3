//! The IDX format of LeCun's MNIST files: a magic number, big-endian dimensions, raw bytes.
//!
//! Files may be raw or gzipped (recognised by their content, not their name). The header is
//! checked against the file's length before the data are read, so a corrupt header cannot make
//! us allocate gigabytes.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use flate2::bufread::MultiGzDecoder;

use crate::DataError;

/// IDX type code for unsigned bytes, the only one MNIST uses.
const UBYTE: u32 = 0x08;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// The most room reserved before a gzipped file is read (MNIST's largest file is 47 MB).
const GZIP_ROOM: u64 = 64 << 20;

/// The images of one IDX3 file, row-major, one byte per pixel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdxImages {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    pub pixels: Vec<u8>,
}

/// Reads an IDX3 file of `count x rows x cols` unsigned bytes.
pub fn read_images(path: &Path) -> Result<IdxImages, DataError> {
    let (dims, pixels) = read_idx(path, 3)?;
    let (count, rows, cols) = (dims[0], dims[1], dims[2]);
    if rows == 0 || cols == 0 {
        return Err(DataError::BadDimensions {
            path: path.into(),
            dims: format_dims(&dims),
        });
    }
    Ok(IdxImages {
        count,
        rows,
        cols,
        pixels,
    })
}

/// Reads an IDX1 file of class labels, each of which must be a digit 0-9.
pub fn read_labels(path: &Path) -> Result<Vec<u8>, DataError> {
    let (_, labels) = read_idx(path, 1)?;
    if let Some(index) = labels.iter().position(|&l| l > 9) {
        return Err(DataError::BadLabel {
            path: path.into(),
            index,
            label: labels[index],
        });
    }
    Ok(labels)
}

/// Reads a `ndims`-dimensional IDX file of unsigned bytes: its dimensions and its data.
fn read_idx(path: &Path, ndims: u8) -> Result<(Vec<usize>, Vec<u8>), DataError> {
    let io_err = |e| DataError::io(path, e);
    let file = File::open(path).map_err(io_err)?;
    let file_len = file.metadata().map_err(io_err)?.len();
    let mut buffered = BufReader::new(file);
    let gzipped = buffered
        .fill_buf()
        .map_err(io_err)?
        .starts_with(&GZIP_MAGIC);
    let mut reader: Box<dyn Read> = if gzipped {
        Box::new(MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };

    // The magic number first: a file of the wrong kind should say so, not "too short".
    let header_len = 4 + 4 * ndims as usize;
    let mut header = vec![0u8; header_len];
    let got = read_fully(&mut reader, &mut header[..4]).map_err(io_err)?;
    let truncated = |len: usize| DataError::TruncatedHeader {
        path: path.into(),
        len: len as u64,
        needed: header_len as u64,
    };
    if got < 4 {
        return Err(truncated(got));
    }
    let word =
        |header: &[u8], i: usize| u32::from_be_bytes(header[4 * i..4 * i + 4].try_into().unwrap());
    let expected_magic = (UBYTE << 8) | ndims as u32;
    if word(&header, 0) != expected_magic {
        return Err(DataError::BadMagic {
            path: path.into(),
            found: word(&header, 0),
            expected: expected_magic,
        });
    }
    let got = 4 + read_fully(&mut reader, &mut header[4..]).map_err(io_err)?;
    if got < header_len {
        return Err(truncated(got));
    }
    let dims: Vec<usize> = (1..=ndims as usize)
        .map(|i| word(&header, i) as usize)
        .collect();
    // u64 with saturation: three u32 dimensions can overflow even 64 bits only in theory,
    // but a corrupt header must give an error, not a wrapped-around small number.
    let expected = dims
        .iter()
        .fold(1u64, |acc, &d| acc.saturating_mul(d as u64));
    let mismatch = |found| DataError::LengthMismatch {
        path: path.into(),
        dims: format_dims(&dims),
        expected,
        found,
    };

    if !gzipped {
        let found = file_len - header_len as u64;
        if found != expected {
            return Err(mismatch(found));
        }
    }
    // For gzip the length is only known by decompressing; reading at most one byte more than
    // promised bounds the memory by the real data, whatever the header claims, and the room
    // reserved for it up front is capped (room never written costs no memory).
    let capacity = if gzipped {
        expected.min(GZIP_ROOM)
    } else {
        expected
    };
    // Training reads the images at random places: large pages spare the processor most of its
    // address translations (see the support crate's `pages`).
    let mut data = support::pages::with_huge_pages(capacity as usize);
    let mut limited = reader.take(expected.saturating_add(1));
    limited.read_to_end(&mut data).map_err(io_err)?;
    if data.len() as u64 != expected {
        let rest = io::copy(&mut limited.into_inner(), &mut io::sink()).map_err(io_err)?;
        return Err(mismatch(data.len() as u64 + rest));
    }
    Ok((dims, data))
}

/// Like `read_exact`, but reports how many bytes were there instead of failing at EOF.
fn read_fully(reader: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn format_dims(dims: &[usize]) -> String {
    let parts: Vec<String> = dims.iter().map(|d| d.to_string()).collect();
    parts.join(" x ")
}
