//! Config: preset defaults, bounds on every key, fragment round trips, hostile input.
#![cfg(not(target_arch = "wasm32"))]

use caulk::config::{parse_fragment, Config, KeyKind, Preset, KEYS, MAX_FRAGMENT_LEN};
use caulk::rng::{Rng, Stream};

#[test]
fn every_preset_default_is_valid_and_round_trips() {
    for p in Preset::ALL {
        let c = Config::for_preset(p);
        c.validate().unwrap();
        let (back, warnings) = Config::from_fragment(&c.to_fragment()).unwrap();
        assert_eq!(back, c);
        assert!(warnings.is_empty(), "{warnings:?}");
    }
}

#[test]
fn fragment_carries_every_key_in_order() {
    let f = Config::default().to_fragment();
    assert!(f.starts_with("v=2&preset=limit&seed=1&"));
    // Optional keys (a lesson and its step) are written only when set: an older link is
    // unchanged by them.
    for spec in KEYS.iter().filter(|s| !s.optional) {
        assert!(
            f.contains(&format!("&{}=", spec.key)),
            "{} missing",
            spec.key
        );
    }
}

#[test]
fn a_lesson_and_its_step_are_written_only_inside_a_lesson() {
    let plain = Config::default().to_fragment();
    assert!(!plain.contains("lesson=") && !plain.contains("step="));
    let (c, _) = Config::from_fragment("v=1&lesson=caulking&step=3&d=4").unwrap();
    assert_eq!((c.lesson.as_str(), c.step, c.d), ("caulking", 3, 4));
    assert!(c.to_fragment().ends_with("&lesson=caulking&step=3"));
    // An empty lesson leaves it; a step without a lesson says nothing and is dropped from
    // the canonical link.
    let (c, _) = Config::from_fragment("v=1&lesson=caulking&step=3&lesson=").unwrap();
    assert!(c.lesson.is_empty() && !c.to_fragment().contains("lesson="));
    let (c, _) = Config::from_fragment("v=1&step=3").unwrap();
    assert!(!c.to_fragment().contains("step="));
    for (bad, key) in [
        ("lesson=Caulking", "lesson"),
        ("lesson=../x", "lesson"),
        ("lesson=a&step=0", "step"),
        ("lesson=a&step=31", "step"),
    ] {
        let e = Config::from_fragment(&format!("v=1&{bad}")).unwrap_err();
        assert_eq!(e.key, key, "{bad}: {e}");
    }
    // The baked results of a step are those of its config without the lesson keys.
    let (step, _) = Config::from_fragment("v=1&preset=headline&lesson=caulking&step=2").unwrap();
    let (plain, _) = Config::from_fragment("v=1&preset=headline").unwrap();
    assert_eq!(
        caulk::experiment::io::baked::file_name(&step),
        caulk::experiment::io::baked::file_name(&plain)
    );
}

#[test]
fn omitted_keys_take_the_presets_defaults() {
    let (c, _) = Config::from_fragment("v=1&alpha=0.7&preset=headline").unwrap();
    let h = Config::for_preset(Preset::Headline);
    assert_eq!(c.alpha, 0.7);
    assert_eq!(c.m, h.m);
    assert_eq!(c.methods, h.methods);
}

#[test]
fn out_of_range_and_malformed_values_name_their_key() {
    let cases = [
        ("alpha=0", "alpha"),
        ("alpha=1.0001", "alpha"),
        ("beta=-0.5", "beta"),
        ("d=0", "d"),
        ("d=17", "d"),
        ("d=2.5", "d"),
        ("k=3", "k"),
        ("s_phi=NaN", "s_phi"),
        ("sigma=inf", "sigma"),
        ("sigma=1e308", "sigma"),
        ("m=5", "m"),
        ("n=", "n"),
        ("n=64,32", "n"),
        ("n=64,64", "n"),
        ("n=64,,128", "n"),
        ("width=2000", "width"),
        ("methods=lora,lora", "methods"),
        ("methods=magic", "methods"),
        ("preset=nope", "preset"),
        ("backend=tpu", "backend"),
        ("eps=0", "eps"),
        ("seed=-1", "seed"),
        ("seed=9007199254740992", "seed"),
        ("layers=5&depth=2", "layers"),
        ("jitter=-1e-7", "jitter"),
        ("jitter=0.02", "jitter"),
        ("jitter=NaN", "jitter"),
        ("alpha=%zz", "alpha"),
    ];
    for (frag, key) in cases {
        let err = Config::from_fragment(&format!("v=1&{frag}")).unwrap_err();
        assert_eq!(err.key, key, "{frag}: {err}");
        assert!(!err.to_string().contains('\n'));
        // The lenient parser keeps going with the default for that key.
        let p = parse_fragment(&format!("v=1&{frag}"));
        assert_eq!(p.errors.len(), 1, "{frag}");
        p.config.validate().unwrap();
    }
}

#[test]
fn lenient_parse_keeps_good_keys_and_defaults_the_bad_one() {
    let p = parse_fragment("#v=1&alpha=7&beta=0.3&d=4");
    assert_eq!(p.config.alpha, Config::default().alpha);
    assert_eq!(p.config.beta, 0.3);
    assert_eq!(p.config.d, 4);
    assert_eq!(p.errors[0].key, "alpha");
}

#[test]
fn unknown_and_repeated_keys_warn_and_versions_are_checked() {
    let p = parse_fragment("v=1&zzz=1&d=4&d=5");
    assert!(p.errors.is_empty());
    assert_eq!(p.config.d, 5);
    assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
    let p = parse_fragment("v=3&d=4");
    assert_eq!(p.errors[0].key, "v");
    assert_eq!(p.config, Config::default());
    // Both versions are read, each with its own defaults; no version reads as the latest.
    let seeds = |f: &str| parse_fragment(f).config.seeds;
    assert_eq!(seeds("v=1&preset=headline"), 8);
    assert_eq!(seeds("v=2&preset=headline"), 16);
    let p = parse_fragment("preset=headline");
    assert_eq!((p.config.seeds, p.warnings.len()), (16, 1));
    assert!(p.fragment.starts_with("v=2&"));
    // A version-1 link is rewritten as a version-2 link that opens the same config.
    let old = parse_fragment("v=1&preset=peft");
    assert_eq!(parse_fragment(&old.fragment).config, old.config);
    let p = parse_fragment("d=4");
    assert_eq!(p.config.d, 4);
    assert_eq!(p.warnings.len(), 1);
    assert!(parse_fragment("").warnings.is_empty());
}

#[test]
fn hostile_fragments_give_one_line_errors_and_a_valid_config() {
    let long_list = (1..=100_000)
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(",");
    let hostile = [
        "v=1&preset=<script>alert(1)</script>".to_string(),
        "v=1&alpha=\u{0}\u{7}\n".to_string(),
        "v=1&alpha=-0".to_string(),
        "v=1&n=1e308".to_string(),
        format!("v=1&n={long_list}"),
        "v=1&n=4,8,16,32,64,128,256,512,1024,2048,4096,8192,16384,32768,65536,10,5".to_string(),
        "v=1&%E2%98%83=1&alpha=%F0%9F%98%80".to_string(),
        "&&&==&=".to_string(),
        "v=1&seed=18446744073709551616".to_string(),
    ];
    for f in &hostile {
        let p = parse_fragment(f);
        p.config.validate().unwrap();
        for e in &p.errors {
            assert!(!e.to_string().contains('\n'), "{e}");
            assert!(e.to_string().len() < 200, "{e}");
        }
    }
    assert_eq!(
        parse_fragment(&"x".repeat(MAX_FRAGMENT_LEN + 1)).errors[0].key,
        "fragment"
    );
}

#[test]
fn percent_encoding_and_exact_integers_in_float_notation_are_read() {
    let (c, _) = Config::from_fragment("v=1&n=64%2C128&m=1e5&alpha=0.25").unwrap();
    assert_eq!(c.n, vec![64, 128]);
    assert_eq!(c.m, vec![100_000]);
    assert_eq!(c.alpha, 0.25);
    assert_eq!(
        Config::from_fragment("v=1&alpha=-0").unwrap_err().key,
        "alpha"
    );
    let (c, _) = Config::from_fragment("v=1&sigma=-0").unwrap();
    assert!(c.sigma == 0.0 && c.sigma.is_sign_positive());
}

/// A random valid value for a key, as text.
fn random_value(spec: &caulk::config::KeySpec, rng: &mut Rng) -> String {
    let pick = |rng: &mut Rng, lo: f64, hi: f64| rng.uniform_in(lo, hi);
    match spec.kind {
        KeyKind::Float => {
            let lo = if spec.min_open {
                spec.min + 1e-9
            } else {
                spec.min
            };
            format!("{}", pick(rng, lo, spec.max))
        }
        KeyKind::Int => format!(
            "{}",
            pick(rng, spec.min, spec.max + 1.0).floor().min(spec.max)
        ),
        KeyKind::IntList => {
            let mut v: Vec<u64> = (0..1 + (rng.next_u64() % spec.max_items as u64))
                .map(|_| pick(rng, spec.min, spec.max + 1.0).floor().min(spec.max) as u64)
                .collect();
            v.sort();
            v.dedup();
            v.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(",")
        }
        KeyKind::Enum => spec.choices[(rng.next_u64() % spec.choices.len() as u64) as usize].into(),
        KeyKind::EnumList => {
            let mut v: Vec<&str> = spec
                .choices
                .iter()
                .copied()
                .filter(|_| rng.next_u64().is_multiple_of(2))
                .collect();
            if v.is_empty() {
                v.push(spec.choices[0]);
            }
            v.join(",")
        }
        KeyKind::Pins => {
            let k = rng.next_u64() % 3;
            (0..k)
                .map(|i| {
                    let r = pick(rng, 1e-4, 1.0);
                    format!(
                        "P{i}~caulk-spline*300*32*64:{},128:-",
                        caulk::config::text::round4(r)
                    )
                })
                .collect::<Vec<_>>()
                .join(";")
        }
        KeyKind::Table => match rng.next_u64() % 3 {
            0 => String::new(),
            1 => "lora*300*64:0.1,256:0.05:0.04:0.06".into(),
            _ => "scratch*-*64:0.3,64:0.31;caulk-adapter*1000*128:0.02".into(),
        },
        KeyKind::Name => {
            let len = 1 + (rng.next_u64() % 40) as usize;
            (0..len)
                .map(|_| b"abcxyz0189-"[(rng.next_u64() % 11) as usize] as char)
                .collect()
        }
    }
}

#[test]
fn parse_of_write_is_identity_for_random_valid_configs() {
    let mut rng = Rng::new(99, Stream::Test);
    for _ in 0..2000 {
        let mut c = Config::default();
        for spec in KEYS {
            let v = random_value(spec, &mut rng);
            c.set(spec.key, &v).unwrap_or_else(|e| panic!("{v}: {e}"));
        }
        c.layers = c.layers.min(c.depth);
        if c.show.len() > 1 {
            c.show.retain(|s| s != "none");
        }
        c.validate().unwrap();
        let (back, _) = Config::from_fragment(&c.to_fragment()).unwrap();
        assert_eq!(back, c);
        // JSON (the CLI's and the page's form) round-trips too.
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(serde_json::from_str::<Config>(&json).unwrap(), c);
    }
}

#[test]
fn switching_preset_resets_experiment_keys_and_keeps_theory_keys() {
    let (c, _) =
        Config::from_fragment("v=1&preset=limit&alpha=0.3&d=7&seed=42&seeds=2&jitter=1e-7")
            .unwrap();
    let h = c.with_preset(Preset::Headline);
    h.validate().unwrap();
    let want = Config::for_preset(Preset::Headline);
    assert_eq!((h.alpha, h.d, h.seed, h.jitter), (0.3, 7, 42, 1e-7));
    assert_eq!(
        (h.m, h.methods, h.seeds),
        (want.m, want.methods, want.seeds)
    );
}

/// Each key's control is declared in the key table and fits its kind: sliders and steppers
/// on numbers, chips and grids on integer lists, checkboxes on name lists, a log slider inside
/// the key's bounds; a key with a control has a panel (and only then); `show=` lists exactly
/// the keys with a control (and `none`), so an embed can show every control the page has.
#[test]
fn every_control_is_declared_in_the_key_table_and_fits_its_key() {
    use caulk::config::keys::{Widget, SHOW_IDS};
    for s in KEYS {
        let numeric = matches!(s.kind, KeyKind::Int | KeyKind::Float);
        let ok = match s.widget {
            Widget::None => s.panels.is_empty(),
            Widget::Slider { step } => {
                numeric && step > 0.0 && (s.max - s.min) / step <= 1000.0 && s.max < 1e6
            }
            Widget::LogSlider { lo, hi } => {
                s.kind == KeyKind::Float && lo > 0.0 && lo < hi && lo >= s.min && hi <= s.max
            }
            Widget::Stepper { step, .. } => numeric && step > 0.0,
            Widget::Select => {
                s.kind == KeyKind::Enum || (s.kind == KeyKind::Int && s.max - s.min <= 16.0)
            }
            Widget::Chips | Widget::Grid => s.kind == KeyKind::IntList,
            Widget::Checkboxes => s.kind == KeyKind::EnumList,
        };
        assert!(ok, "{}: {:?} does not fit {:?}", s.key, s.widget, s.kind);
        assert_eq!(
            s.widget == Widget::None,
            s.panels.is_empty(),
            "{}: a control needs a panel",
            s.key
        );
    }
    let mut with_control: Vec<&str> = KEYS
        .iter()
        .filter(|s| s.widget != Widget::None && s.key != "preset")
        .map(|s| s.key)
        .collect();
    with_control.push("none");
    let mut show: Vec<&str> = SHOW_IDS.to_vec();
    with_control.sort_unstable();
    show.sort_unstable();
    assert_eq!(with_control, show);
}

/// Pins carry their numbers in the link, so a config whose link would be longer than a link
/// may be (and so would not open again) is refused, naming `pins`.
#[test]
fn pins_that_would_overflow_the_link_are_refused() {
    let points: Vec<String> = (0..64).map(|i| format!("{}:0.01234", 100 + i)).collect();
    let curve = format!("lora*-*32*{}", points.join(","));
    let pin = |label: &str| format!("{label}~{}", [curve.as_str(); 3].join("~"));
    let mut c = Config::default();
    c.set("pins", &pin("A")).unwrap();
    assert!(c.validate().is_ok());
    c.set("pins", &[pin("A"), pin("B")].join(";")).unwrap();
    let e = c.validate().unwrap_err();
    assert_eq!(e.key, "pins");
    assert!(e.message.contains("over the 4096"), "{}", e.message);
}

/// A key is one entry of the key table (plus its `Config` field): the entry names the field it
/// reads and writes, and it is the key's own; setting a key changes that field alone (every
/// other key reads as before), so no two keys share a field.
#[test]
fn every_key_reads_and_writes_its_own_field() {
    let mut rng = Rng::new(7, Stream::Test);
    for spec in KEYS {
        assert_eq!(spec.access.field, spec.key, "{}", spec.key);
    }
    for _ in 0..200 {
        let mut c = Config::default();
        c.set("lesson", "caulking").unwrap();
        let spec = &KEYS[(rng.next_u64() % KEYS.len() as u64) as usize];
        let before: Vec<Option<String>> = KEYS.iter().map(|s| c.get(s.key)).collect();
        let value = random_value(spec, &mut rng);
        c.set(spec.key, &value)
            .unwrap_or_else(|e| panic!("{value}: {e}"));
        for (s, was) in KEYS.iter().zip(&before) {
            if s.key != spec.key && !(spec.key == "lesson" && s.key == "step") {
                assert_eq!(&c.get(s.key), was, "setting {} changed {}", spec.key, s.key);
            }
        }
    }
}

/// The `methods` key's choices are the methods themselves, in order: the key table's
/// `METHOD_IDS` (a constant the table needs at compile time) and `Method::ALL`'s ids, which
/// the table of your own curves lists, do not drift apart.
#[test]
fn the_method_ids_are_the_methods() {
    let ids: Vec<String> = caulk::config::Method::ALL.iter().map(|m| m.id()).collect();
    assert_eq!(ids, caulk::config::keys::METHOD_IDS);
}

/// Every method has its colour in the page's style sheet: its line, its band and its n_ε
/// marks (`.series-m-<id>`, `.band.series-m-<id>`, `.reached.series-m-<id>`), so a new
/// method is never drawn in the default ink unnoticed.
#[test]
fn every_method_has_its_colours_in_the_style_sheet() {
    let css = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/www/style.css"))
        .expect("www/style.css is part of the repository");
    for m in caulk::config::Method::ALL {
        let id = m.id();
        for rule in [
            format!(".plot .series-m-{id} {{"),
            format!(".plot .band.series-m-{id} {{"),
            format!(".plot .reached.series-m-{id},"),
        ] {
            assert!(
                css.contains(&rule),
                "www/style.css has no `{rule}` for {id}"
            );
        }
    }
}
