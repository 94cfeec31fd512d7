//! The Sync tab shows what the CRM last said is left of its
//! service-protection budget, whole at 80 columns in both languages, and
//! nothing while no answer said it.

use navsync::config::Lang;
use navsync::crm::ApiBudget;
use navsync::i18n::{self, Locale};
use navsync::ui::action::Tab;
use navsync::ui::theme::Theme;

use crate::fixture::{app_with, screen, status};

fn sync_tab(budget: Option<ApiBudget>, lang: Lang) -> String {
    i18n::set_for_thread(Some(Locale::Lang(lang)));
    let (mut app, _rx) = app_with(Theme::MONO, true);
    app.on_status(navsync::engine::Status {
        api_budget: budget,
        ..status(true)
    });
    app.tab = Tab::Sync;
    let shown = screen(&mut app, 80, 24);
    i18n::set_for_thread(None);
    shown
}

#[test]
fn the_sync_tab_shows_the_budget_left_in_the_window() {
    let budget = ApiBudget {
        requests_left: Some(5993),
        execution_ms_left: Some(1_199_460),
        observed_at: chrono::DateTime::from_timestamp(1_764_054_012, 0).unwrap(),
    };
    let en = sync_tab(Some(budget), Lang::En);
    assert!(
        en.lines().any(|l| l.starts_with("API budget")
            && l.ends_with("5,993 requests · 1,199 s execution left in 5 min")),
        "{en}"
    );
    let es = sync_tab(Some(budget), Lang::Es);
    assert!(
        es.lines().any(|l| l.starts_with("Cuota de API")
            && l.ends_with("quedan 5.993 solicitudes · 1.199 s de ejecución en 5 min")),
        "{es}"
    );
    let unknown = sync_tab(
        Some(ApiBudget {
            execution_ms_left: None,
            ..budget
        }),
        Lang::En,
    );
    assert!(
        unknown.contains("5,993 requests · ? s execution left"),
        "{unknown}"
    );
    assert!(!sync_tab(None, Lang::En).contains("API budget"));
}
