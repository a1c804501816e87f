//! Message-sequence charts: well-formed SVG (parsed by an XML parser) with a
//! lifeline per actor, every step named, one arrow per step, each member's
//! state after each step, and the highlighted step.

use appsync_model::chart::{Chart, Highlight, render};
use appsync_model::*;
use stateright::Model;

fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_chart_is_well_formed_svg_naming_every_step() {
    let cfg = AppSyncConfig::adversarial();
    let model = cfg.into_model();
    let path = decode_path(
        "inject(app1=7) deliver(m0) deliver(m1) forge(adv,dup) deliver(m0) commit(m0,[app1=1]) \
         deliver(m1) deliver(m1)",
    )
    .unwrap();
    let svg = render(&Chart {
        title: "a <test> & chart".into(),
        model: &model,
        actions: &path,
        highlight: Some(Highlight {
            step: 5,
            label: "witnesses: forged duplicate id rejected".into(),
            note: "m0 rejected (DuplicateApplicationId)".into(),
            bad: false,
        }),
    })
    .unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(
        root.tag_name().namespace(),
        Some("http://www.w3.org/2000/svg")
    );
    let texts = texts(&doc);
    assert!(texts.contains(&"a <test> & chart".to_string()));
    for name in ["m0", "m1", "adv", "nm", "DS"] {
        assert!(texts.contains(&name.to_string()), "lifeline {name}");
    }
    assert!(
        !texts.contains(&"ext".to_string()),
        "no external sender in this preset"
    );
    for (i, action) in path.iter().enumerate() {
        let step = format!("{}  {action}", i + 1);
        assert!(texts.contains(&step), "{step}");
    }
    // One arrow per step, coloured by what happened.
    let arrows: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("line") && n.attribute("marker-end").is_some())
        .collect();
    assert_eq!(arrows.len(), path.len());
    assert_eq!(arrows[4].attribute("class"), Some("rejected"));
    assert!(
        texts
            .iter()
            .any(|t| t.contains("forged (dup) commit e0 by adv [app1:=8, app1:=8]"))
    );
    assert!(
        texts
            .iter()
            .any(|t| t == "e0 commit by adv: rejected (DuplicateApplicationId)")
    );
    assert!(texts.iter().any(|t| t == "e1 {app1=1,app2=0}"), "{texts:?}");
    assert!(texts.contains(&"witnesses: forged duplicate id rejected".to_string()));
    assert!(
        texts
            .iter()
            .any(|t| t.contains("m0 rejected (DuplicateApplicationId)"))
    );
    // The highlight is one rectangle, drawn behind row 5.
    let marks: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("rect") && n.attribute("stroke") == Some("#2e7d32"))
        .collect();
    assert_eq!(marks.len(), 1);
}

/// The Explorer's `as_svg` draws the path so far with the last step marked
/// and the properties its state violates.
#[test]
fn the_explorer_draws_the_path_so_far() {
    let model = AppSyncConfig::default().into_model();
    let path = decode_path(
        "propose(m0,app1=1) deliver(m1) propose(m1,app1=2) deliver(m0) commit(m0,[]) deliver(m1) propose(m1,app1=2) commit(m1,[])",
    )
    .unwrap();
    let stateright_path = stateright::Path::from_actions(&model, model.initial_state(), &path);
    let svg = model.as_svg(stateright_path.unwrap()).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed XML");
    let all = texts(&doc).join("\n");
    assert!(all.contains("configuration: preset default"), "{all}");
    assert!(
        all.contains("This state violates 'no lost update'"),
        "{all}"
    );
    assert!(all.contains("8  commit(m1,[])"), "{all}");
}
