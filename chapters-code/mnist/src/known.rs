//! The four files of each data set by name, with the SHA-256 of each original (uncompressed)
//! file: whatever a source gives is checked against these.

/// One of the four standard files, with the SHA-256 of the original (uncompressed) file.
#[derive(Debug, Clone, Copy)]
pub struct KnownFile {
    pub name: &'static str,
    pub sha256: &'static str,
}

/// The four MNIST files in the order train images, train labels, test images, test labels.
pub const MNIST_FILES: [KnownFile; 4] = [
    KnownFile {
        name: "train-images-idx3-ubyte",
        sha256: "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    },
    KnownFile {
        name: "train-labels-idx1-ubyte",
        sha256: "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    },
    KnownFile {
        name: "t10k-images-idx3-ubyte",
        sha256: "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    },
    KnownFile {
        name: "t10k-labels-idx1-ubyte",
        sha256: "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    },
];

/// Fashion-MNIST's four files, in the same order (read off Debian's `dataset-fashion-mnist`,
/// whose gzipped files are Zalando's originals).
pub const FASHION_FILES: [KnownFile; 4] = [
    KnownFile {
        name: "train-images-idx3-ubyte",
        sha256: "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    },
    KnownFile {
        name: "train-labels-idx1-ubyte",
        sha256: "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    },
    KnownFile {
        name: "t10k-images-idx3-ubyte",
        sha256: "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    },
    KnownFile {
        name: "t10k-labels-idx1-ubyte",
        sha256: "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    },
];
