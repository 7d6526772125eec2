//! Any text given as a data set: it is refused with a message or loaded, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(set) = pcrnn::data::formats::parse_data_set(text) {
        // What loads must be usable: the written form loads again to the same set.
        let again = pcrnn::data::formats::parse_data_set(&pcrnn::data::formats::data_set_to_json(&set))
            .expect("a loaded data set written out loads again");
        assert_eq!(again.trajectories, set.trajectories);
    }
});
