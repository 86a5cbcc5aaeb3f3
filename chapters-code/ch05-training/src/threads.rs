//! `--threads`: how many threads the matrix products use. ndarray's products come from the
//! matrixmultiply crate, which reads MATMUL_NUM_THREADS once, at its first product.

/// Sets the thread count of the matrix products. Call it first thing in `main`, before any
/// product and before any other thread exists.
pub fn set_matrix_threads(threads: usize) {
    // SAFETY: called at the start of main, while the process has a single thread, so no
    // other thread can be reading the environment.
    unsafe { std::env::set_var("MATMUL_NUM_THREADS", threads.to_string()) };
}
