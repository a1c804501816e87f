//! Replays one model path on real groups, step by step, keeping both views
//! of every member (for `appsync replay` and for reports).

use appsync_model::{Action, AppSyncConfig};

use super::step::{ConformanceError, Divergence, Move, compare_at, enabled, step_and_compare};
use super::view::{Difference, View, model_view, real_view};
use super::world::{RealWorld, RulesFactory};

/// One replayed step: the action and each member's two views after it.
#[derive(Clone, Debug)]
pub struct ReplayedStep {
    /// The action (`None` for the initial state).
    pub action: Option<Action>,
    /// Per member: (model view, real view).
    pub views: Vec<(View, View)>,
}

/// Replays `path` from the initial state. Stops at the first disagreement,
/// returning the steps so far and the divergence.
pub fn replay(
    cfg: &AppSyncConfig,
    rules: &RulesFactory,
    path: &[Action],
) -> Result<(Vec<ReplayedStep>, Option<Divergence>), ConformanceError> {
    let model = cfg.clone().into_model();
    let mut state = model.initial_state();
    let mut world = RealWorld::new(cfg, rules)?;
    let views = |state: &_, world: &RealWorld| {
        (0..world.members.len())
            .map(|m| (model_view(&model, state, m), real_view(world, m)))
            .collect()
    };
    let mut steps = vec![ReplayedStep {
        action: None,
        views: views(&state, &world),
    }];
    if let Err(divergence) = compare_at(&model, &state, &world, &[]) {
        return Ok((steps, Some(divergence)));
    }
    for (i, action) in path.iter().enumerate() {
        let Move::To(next) = enabled(&model, &state, action) else {
            let detail = format!("step {}: the model cannot take {action} here", i + 1);
            let divergence = Divergence::new(&path[..=i], Difference::Step { detail });
            return Ok((steps, Some(divergence)));
        };
        let outcome = step_and_compare(&model, &state, action, &next, &mut world, &path[..=i]);
        steps.push(ReplayedStep {
            action: Some(*action),
            views: views(&next, &world),
        });
        match outcome {
            Ok(()) => state = next,
            Err(ConformanceError::Divergence(divergence)) => {
                return Ok((steps, Some(*divergence)));
            }
            Err(other) => return Err(other),
        }
    }
    Ok((steps, None))
}
