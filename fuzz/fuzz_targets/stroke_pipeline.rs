//! Any pointer samples and frame (every bit pattern of f64: NaN, infinities, subnormals, huge
//! values): the pipeline refuses them with a message or returns `length` finite points.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcrnn::data::stroke::{Frame, to_frame};

fuzz_target!(|input: (u16, [f64; 3], Vec<[f64; 3]>)| {
    let (length, [x, y, size], points) = input;
    let frame = Frame {
        length: usize::from(length),
        start: [x, y],
        size,
    };
    if let Ok(letter) = to_frame(&points, &frame) {
        assert_eq!(letter.len(), frame.length);
        assert!(letter.iter().flatten().all(|v| v.is_finite()));
    }
});
