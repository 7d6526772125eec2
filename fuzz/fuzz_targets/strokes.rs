//! Any text given as a strokes file: refused with a message or loaded, never a panic; what loads
//! goes through the stroke pipeline without a panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pcrnn::data::stroke::{Frame, to_frame};

fuzz_target!(|text: &str| {
    if let Ok(strokes) = pcrnn::data::formats::parse_strokes(text) {
        let frame = Frame {
            length: 60,
            start: [0.0, 0.0],
            size: 1.0,
        };
        for stroke in strokes {
            let _ = to_frame(&stroke.points, &frame);
        }
    }
});
