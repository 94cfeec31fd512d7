//! Every user-facing CRM text, in English (the default) and in the seed's
//! own Spanish wording (`lang = "es"`), kept in one place so a translation
//! or a wording fix never has to hunt through the code.

use crate::config::Lang;

/// A user-facing text; some carry the names they must mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg<'a> {
    ConnectionError,
    ConnectionNext,
    ApiError,
    ApiNext,
    PrivilegesError,
    /// Names the missing privilege when the CRM said which.
    PrivilegesNext(Option<&'a str>),
    ObjectsError,
    /// Names each unreadable object.
    ObjectsNext(&'a [String]),
    SignInError,
    SignInNext,
    DeviceCodeExpired,
    DeviceCodeExpiredNext,
    DeviceCodeDeclined,
    NotSignedIn,
    NotSignedInNext,
    LocalSetupError,
    /// `chmod 600 FILE`.
    InsecureFileNext(&'a str),
    LocalSetupNext,
    Cancelled,
    CancelledNext,
    /// The seed's success line.
    Connected,
    OnPremise,
    Sandbox,
    VersionTooOld(&'a str),
    /// Integration user recommended; creator and owner explained.
    RecommendIntegrationUser(&'a str),
    CreatorAndOwner(&'a str),
}

/// The text of `m` in `lang`.
pub fn text(m: &Msg<'_>, lang: Lang) -> String {
    let es = lang == Lang::Es;
    let pick = |en: &str, es_text: &str| {
        if es {
            es_text.to_string()
        } else {
            en.to_string()
        }
    };
    match m {
        Msg::ConnectionError => pick(
            "CRM connection error. Try again later.",
            "Error de conexión con el CRM. Vuelve a intentarlo más tarde.",
        ),
        Msg::ConnectionNext => pick(
            "Check this machine's network and the instance URL (crm.instance_url). Try again later.",
            "Comprueba la red de este equipo y la URL de la instancia (crm.instance_url). Vuelve a intentarlo más tarde.",
        ),
        Msg::ApiError => pick(
            "An error occurred with the CRM API. Try again later.",
            "Se ha producido un error con la API del CRM. Vuelve a intentarlo más tarde.",
        ),
        Msg::ApiNext => pick(
            "The CRM API could not be used: check the CRM system's uptime or contact your CRM representative.",
            "Se ha producido un error en el acceso a la API, consulta el tiempo de actividad del sistema CRM o consulta a tu representante de CRM.",
        ),
        Msg::PrivilegesError => pick(
            "Your CRM account doesn't have sufficient access privileges. Contact your CRM administrator.",
            "Tu cuenta de CRM no tiene suficientes privilegios de acceso. Consulta a tu administrador de CRM.",
        ),
        Msg::PrivilegesNext(None) => pick(
            "Contact your internal CRM administrator to get the access privileges you need.",
            "Ponte en contacto con tu administrador de CRM interno para obtener los privilegios de acceso necesarios.",
        ),
        Msg::PrivilegesNext(Some(p)) => {
            if es {
                format!(
                    "Ponte en contacto con tu administrador de CRM interno para obtener el privilegio que falta: {p}."
                )
            } else {
                format!(
                    "Contact your internal CRM administrator to get the missing privilege: {p}."
                )
            }
        }
        Msg::ObjectsError => pick(
            "The CRM objects required by your company could not be read.",
            "No se han podido leer los objetos de CRM exigidos por tu empresa.",
        ),
        Msg::ObjectsNext(objects) => {
            let list = objects.join(", ");
            if es {
                format!(
                    "Pide a tu administrador de CRM acceso de lectura para el usuario de la conexión a: {list}."
                )
            } else {
                format!(
                    "Ask your CRM administrator to give the connecting user read access to: {list}."
                )
            }
        }
        Msg::SignInError => pick(
            "Signing in to Microsoft Entra ID failed.",
            "No se ha podido iniciar sesión en Microsoft Entra ID.",
        ),
        Msg::SignInNext => pick(
            "Check crm.tenant_id, crm.client_id and the client secret in the config, and that the app registration has an application user in this Dynamics environment.",
            "Revisa crm.tenant_id, crm.client_id y el secreto de cliente en la configuración, y que el registro de la aplicación tenga un usuario de aplicación en este entorno de Dynamics.",
        ),
        Msg::DeviceCodeExpired => pick(
            "The sign-in code expired before it was used.",
            "El código de inicio de sesión caducó antes de usarse.",
        ),
        Msg::DeviceCodeExpiredNext => pick(
            "Run `navsync connect` again and enter the new code in the browser before it expires.",
            "Vuelve a ejecutar `navsync connect` e introduce el nuevo código en el navegador antes de que caduque.",
        ),
        Msg::DeviceCodeDeclined => pick(
            "The sign-in was declined in the browser.",
            "El inicio de sesión se rechazó en el navegador.",
        ),
        Msg::NotSignedIn => pick(
            "navsync is not signed in to the CRM.",
            "navsync no ha iniciado sesión en el CRM.",
        ),
        Msg::NotSignedInNext => pick(
            "Run `navsync connect` to sign in again.",
            "Ejecuta `navsync connect` para volver a iniciar sesión.",
        ),
        Msg::LocalSetupError => pick(
            "navsync's CRM settings or files on this machine are not usable.",
            "La configuración o los archivos de CRM de navsync en este equipo no se pueden usar.",
        ),
        Msg::InsecureFileNext(path) => {
            if es {
                format!("Solo su propietario debe poder leerlo: ejecuta `chmod 600 {path}`.")
            } else {
                format!("Only its owner may read it: run `chmod 600 {path}`.")
            }
        }
        Msg::LocalSetupNext => pick(
            "Fix the setting or file named in the detail, then try again.",
            "Corrige el ajuste o el archivo indicado en el detalle y vuelve a intentarlo.",
        ),
        Msg::Cancelled => pick("Cancelled.", "Cancelado."),
        Msg::CancelledNext => pick(
            "Nothing to do; start it again when you are ready.",
            "No hay nada que hacer; vuelve a iniciarlo cuando quieras.",
        ),
        Msg::Connected => pick(
            "Connected to Microsoft Dynamics — Successfully connected, sync in progress",
            "Conectado a Microsoft Dynamics — Conexión realizada, sincronización en curso",
        ),
        Msg::OnPremise => pick(
            "Microsoft Dynamics on-premise is not supported: only Dynamics 365 online, version 8.2 or later.",
            "Microsoft Dynamics On-premise no es compatible: solo Dynamics 365 online, versión 8.2 o superior.",
        ),
        Msg::Sandbox => pick(
            "Sandbox environments are not supported at this time.",
            "La instalación de Sandbox no es compatible en este momento.",
        ),
        Msg::VersionTooOld(v) => {
            if es {
                format!("Dynamics 365 {v} no es compatible: se necesita la versión 8.2 o superior.")
            } else {
                format!("Dynamics 365 {v} is not supported: version 8.2 or later is required.")
            }
        }
        Msg::RecommendIntegrationUser(user) => {
            if es {
                format!(
                    "Has conectado como {user}, un usuario interactivo: te recomendamos que utilices un usuario de integración (usuario de aplicación) o un nombre genérico."
                )
            } else {
                format!(
                    "You connected as {user}, an interactive user: we recommend an integration (application) user or a generic name instead."
                )
            }
        }
        Msg::CreatorAndOwner(user) => {
            if es {
                format!(
                    "En el CRM, {user} aparecerá como creador de cada actividad escrita; el titular de la licencia será su propietario."
                )
            } else {
                format!(
                    "In the CRM, {user} will appear as the creator of every activity written back; the seat holder will be its owner."
                )
            }
        }
    }
}
