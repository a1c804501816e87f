//! Prints the in-memory sizes of the state's parts (compactness check).
fn main() {
    use appsync_model::*;
    println!(
        "Member {} B, Message {} B, Commit {} B, State {} B (+ heap: members and log)",
        std::mem::size_of::<Member>(),
        std::mem::size_of::<Message>(),
        std::mem::size_of::<Commit>(),
        std::mem::size_of::<State>()
    );
}
