//! Every WGSL kernel parses and validates with naga, on the CPU (no device needed), and
//! starts with the comment listing its bindings; every file is a kernel or a part of some.
#![cfg(not(target_arch = "wasm32"))]

use caulk::backend::wgpu::{PARTS, SHADERS};

#[test]
fn every_shader_validates_with_naga() {
    assert!(!SHADERS.is_empty());
    for (name, source) in SHADERS {
        let module = naga::front::wgsl::parse_str(source)
            .unwrap_or_else(|e| panic!("{name}: {}", e.emit_to_string(source)));
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::empty(),
        )
        .validate(&module)
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert!(
            source.starts_with("//") && source.contains("Bindings"),
            "{name} must start with a comment listing its bindings"
        );
    }
}

#[test]
fn every_shader_file_is_registered() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/backend/wgpu/shaders");
    let mut on_disk: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".wgsl"))
        .collect();
    on_disk.sort();
    let mut registered: Vec<String> = SHADERS
        .iter()
        .chain(PARTS)
        .map(|(n, _)| n.to_string())
        .collect();
    registered.sort();
    assert_eq!(on_disk, registered);
}

#[test]
fn every_part_ends_the_kernels_that_use_it() {
    for (part, text) in PARTS {
        let users: Vec<&str> = SHADERS
            .iter()
            .filter(|(_, source)| source.ends_with(text))
            .map(|(name, _)| *name)
            .collect();
        assert!(!users.is_empty(), "{part} is part of no kernel");
        // The shared dispatch calls what each of its kernels states.
        for (name, source) in SHADERS.iter().filter(|(n, _)| users.contains(n)) {
            let own = &source[..source.len() - text.len()];
            assert!(
                own.contains("fn items() -> u32") && own.contains("fn item("),
                "{name} must state items() and item(i) for {part}"
            );
        }
    }
    assert_eq!(
        SHADERS
            .iter()
            .filter(|(_, s)| s.ends_with(PARTS[0].1))
            .count(),
        6,
        "the six elementwise kernels share grid.wgsl"
    );
}
