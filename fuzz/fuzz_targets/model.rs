//! Any text given as a model: it is refused with a message or loaded, never a panic. Mutations
//! of the shipped model reach deep into the checks (seed the corpus with data/model.json).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Ok(model) = pcrnn::data::formats::parse_model(text) {
        // A loaded model can be used: it writes out, loads again and generates finite letters.
        let again = pcrnn::data::formats::parse_model(&pcrnn::data::formats::model_to_json(&model))
            .expect("a loaded model written out loads again");
        let first_memory = again.mus.columns(0, 1).into_owned();
        let letters = pcrnn::model::retrieve::generate(&again, &first_memory, 8);
        assert_eq!(letters.len(), 1);
        assert!(letters.iter().flatten().flatten().all(|v| v.is_finite()));
    }
});
