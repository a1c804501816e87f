//! `appsync check --json` follows `docs/check-output.schema.json`. The
//! validator here is a focused one: it knows exactly the keywords that
//! schema uses and refuses a schema with any other, so a keyword it would
//! silently skip cannot creep in.

use std::process::Command;

use serde_json::Value;

const KNOWN: [&str; 14] = [
    "$schema",
    "$id",
    "title",
    "description",
    "$defs",
    "$ref",
    "type",
    "required",
    "additionalProperties",
    "properties",
    "items",
    "enum",
    "minimum",
    "oneOf",
];

fn schema() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/check-output.schema.json"
    );
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn type_matches(name: &str, value: &Value) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "integer" => value.is_u64() || value.is_i64(),
        "number" => value.is_number(),
        other => panic!("unknown type {other}"),
    }
}

/// The errors of `value` against `schema` (`root` resolves `$ref`), each
/// with its JSON path.
fn validate(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    let Some(schema) = schema.as_object() else {
        panic!("schema at {at} is not an object");
    };
    for key in schema.keys() {
        assert!(KNOWN.contains(&key.as_str()), "unsupported keyword {key}");
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.strip_prefix("#/$defs/").expect("local $ref");
        validate(root, &root["$defs"][name], value, at, errors);
    }
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type at {at}"),
        };
        if !names.iter().any(|n| type_matches(n, value)) {
            errors.push(format!("{at}: {value} is not of type {names:?}"));
            return;
        }
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array)
        && !options.contains(value)
    {
        errors.push(format!("{at}: {value} is not one of {options:?}"));
    }
    if let (Some(min), Some(n)) = (
        schema.get("minimum").and_then(Value::as_f64),
        value.as_f64(),
    ) && n < min
    {
        errors.push(format!("{at}: {n} is below {min}"));
    }
    if let Some(options) = schema.get("oneOf").and_then(Value::as_array) {
        let passing = options
            .iter()
            .filter(|option| {
                let mut sub = Vec::new();
                validate(root, option, value, at, &mut sub);
                sub.is_empty()
            })
            .count();
        if passing != 1 {
            errors.push(format!("{at}: {passing} of the oneOf options match"));
        }
    }
    if let (Some(items), Some(array)) = (schema.get("items"), value.as_array()) {
        for (i, item) in array.iter().enumerate() {
            validate(root, items, item, &format!("{at}[{i}]"), errors);
        }
    }
    let Some(object) = value.as_object() else {
        return;
    };
    for name in schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        if !object.contains_key(name) {
            errors.push(format!("{at}: missing {name}"));
        }
    }
    let properties = schema.get("properties").and_then(Value::as_object);
    for (key, field) in object {
        match properties.and_then(|p| p.get(key)) {
            Some(sub) => validate(root, sub, field, &format!("{at}.{key}"), errors),
            None if schema.get("additionalProperties") == Some(&Value::Bool(false)) => {
                errors.push(format!("{at}: unexpected field {key}"));
            }
            None => {}
        }
    }
}

fn errors_of(value: &Value) -> Vec<String> {
    let root = schema();
    let mut errors = Vec::new();
    validate(&root, &root, value, "$", &mut errors);
    errors
}

fn check_json(args: &[&str]) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_appsync"))
        .args(["check", "--json"])
        .args(args)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The validator catches what it should, so that a pass means something.
#[test]
fn the_validator_refuses_documents_off_the_schema() {
    let good = check_json(&["--preset", "create-order", "--no-conform"]);
    assert_eq!(errors_of(&good), Vec::<String>::new());
    let mut bad = good.clone();
    bad["runs"][0]["properties"][0]["verdict"] = serde_json::json!({"holds": null});
    bad["runs"][0]["config"]["faults"] = serde_json::json!("Faults { skip_apply: false }");
    bad["runs"][0]["extra"] = serde_json::json!(1);
    bad.as_object_mut().unwrap().remove("failed");
    let errors = errors_of(&bad);
    assert_eq!(errors.len(), 4, "{errors:#?}");
}

/// A passing run with conformance, a run with charts, and a failing one
/// with a missing witness all follow the schema; configurations are fields,
/// verdicts are names, and `failed` agrees with `unreached_witnesses`.
#[test]
fn check_json_follows_the_schema() {
    let dir = std::env::temp_dir().join(format!("appsync-schema-{}", std::process::id()));
    let dir_text = dir.display().to_string();
    let documents = [
        check_json(&["--preset", "create-order", "--conform"]),
        check_json(&["--preset", "default", "--no-conform", "--svg", &dir_text]),
        check_json(&[
            "--apps",
            "1",
            "--max-epoch",
            "1",
            "--unknown-id",
            "create",
            "--no-conform",
        ]),
    ];
    for doc in &documents {
        assert_eq!(errors_of(doc), Vec::<String>::new(), "{doc:#}");
        let unreached = doc["unreached_witnesses"].as_array().unwrap();
        if !unreached.is_empty() {
            assert_eq!(doc["failed"], true);
        }
        for run in doc["runs"].as_array().unwrap() {
            for p in run["properties"].as_array().unwrap() {
                let not_applicable = p["verdict"] == "not_applicable";
                assert!(!(not_applicable && unreached.contains(&p["name"])), "{p}");
            }
        }
    }
    assert_eq!(documents[0]["runs"][0]["conformance"]["agrees"], true);
    assert_eq!(documents[0]["runs"][0]["config"]["unknown_id"], "create");
    assert_eq!(
        documents[0]["runs"][0]["config"]["faults"],
        serde_json::json!([])
    );
    let lost = documents[1]["runs"][0]["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "no lost update")
        .unwrap()
        .clone();
    assert_eq!(lost["verdict"], "expected_violation");
    assert_eq!(lost["steps"], 8);
    assert!(
        lost["replay"]
            .as_str()
            .unwrap()
            .contains(" replay --preset default '")
    );
    assert!(
        lost["chart"]
            .as_str()
            .unwrap()
            .ends_with("default-no-lost-update.svg")
    );
    // K=1 under the create reading, with no unknown id ever proposed: the
    // witness's excuse (two ids, or the create reading) does not apply, yet
    // no commit can carry two AppSyncs, so the witness is missing, reported,
    // and fails the run.
    assert_eq!(
        documents[2]["unreached_witnesses"],
        serde_json::json!(["commit with two AppSyncs applied by all"])
    );
    assert_eq!(documents[2]["failed"], true);
    assert_eq!(
        documents[2]["runs"][0]["flags"],
        serde_json::json!(["--apps", "1", "--max-epoch", "1", "--unknown-id", "create"])
    );
    let _ = std::fs::remove_dir_all(dir);
}
