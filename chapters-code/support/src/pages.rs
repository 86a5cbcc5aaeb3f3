//! Large memory pages for large arrays read at random places, such as the training images.
//!
//! The processor translates every address through a small cache of page mappings (the TLB).
//! With the usual 4 KiB pages, the 47 MB of MNIST's training images span about 11,500 pages,
//! far more than it holds, so each image a batch gathers from a random place costs a walk
//! through the page tables, which the rest of a training step has pushed out of the caches.
//! With 2 MiB pages the whole set fits in a couple of dozen mappings. Linux backs memory with
//! such pages where a program asks for them (`madvise`) when it is set to `madvise`, as it
//! often is; elsewhere the request changes nothing. It never changes a result, only the time.

/// An empty vector with room for `capacity` elements, in memory that Linux is asked to back
/// with 2 MiB pages once it is written.
pub fn with_huge_pages<T>(capacity: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(capacity);
    advise_huge_pages(&mut v);
    v
}

/// Asks for 2 MiB pages over the whole pages inside `v`'s spare room, before it is written
/// (the kernel picks the page size when memory is first touched).
fn advise_huge_pages<T>(v: &mut Vec<T>) {
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = v.as_mut_ptr() as usize;
        let end = start + v.capacity() * std::mem::size_of::<T>();
        let (from, to) = (start.next_multiple_of(PAGE), end / PAGE * PAGE);
        if to > from {
            // SAFETY: the range lies inside `v`'s allocation; MADV_HUGEPAGE only changes how
            // the kernel backs it. An error (no transparent huge pages) is harmless.
            unsafe {
                libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE);
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = v;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_vector_with_the_room_asked_for() {
        let mut v = with_huge_pages::<u32>(3_000_000);
        assert!(v.is_empty() && v.capacity() >= 3_000_000);
        v.extend(0..3_000_000);
        assert_eq!(v[2_999_999], 2_999_999);
        assert!(with_huge_pages::<u8>(0).is_empty());
    }
}
