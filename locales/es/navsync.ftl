# Los mensajes de navsync en español, con la redacción de la guía de
# instalación (seed) donde la tiene. Los ids son los de locales/en/navsync.ftl.

## Teclas: qué hace cada una, para el pie (la palabra antes de ':') y la ayuda

# Los nombres de las teclas en pantalla, como en un teclado español
keycap-enter = Intro
keycap-space = Espacio
keycap-home = Inicio
keycap-end = Fin
keycap-pgup = RePág
keycap-pgdn = AvPág
keycap-shift-tab = Mayús-Tab
keycap-backspace = Retroceso
keycap-del = Supr

key-help-every-key-view = ayuda: todas las teclas de esta vista
key-command-sync-seats-queue = comando: :sync :seats :queue :help :q … (Tab completa)
key-quit = salir
key-undo-last-skip-seat = deshacer: el último descarte o cambio de licencia
key-next-tab = pestaña siguiente
key-previous-tab = pestaña anterior
key-connection-tab = pestaña Conexión
key-sync-tab = pestaña Sincronización
key-seats-tab = pestaña Licencias
key-unresolved-tab = pestaña Pendientes
key-settings-tab = pestaña Ajustes
key-log-tab = pestaña Registro
key-saved-tab = pestaña Guardados
key-move-up = subir
key-move-down = bajar
key-page-up = página arriba
key-page-down = página abajo
key-first-row = primera fila
key-last-row = última fila
key-connect-device-code-client = conectar: código de dispositivo o secreto de cliente
key-re-check-run-prerequisite = comprobar: repetir las comprobaciones de requisitos
key-disconnect = desconectar
key-purge-disconnect-clean-up = limpiar: desconectar y borrar lo importado del CRM
key-details-whole-text-y = detalles: el texto completo, y lo copia
key-copy-osc-52-works = copiar (OSC 52, funciona por SSH)
key-scroll = desplazar
key-close = cerrar
key-sync-now = sincronizar ahora
key-cancel-stop-running-sync = cancelar: detener la sincronización en curso
key-dry-run-show-what = simular: ver qué cambiaría una sincronización
key-mark-toggle-row = marcar: marca o desmarca la fila
key-mark-all-every-row = marcar todo: cada fila que muestra el filtro
key-clear-marks = quitar marcas
key-enable-crm-sync-marked = activar: sincronización con el CRM (marcadas o esta)
key-disable-crm-sync-off = desactivar: sincronización con el CRM (marcadas o esta)
key-assign-seats-from-crm = asignar: licencias a usuarios del CRM
key-filter = filtrar
key-order-sort-by-next = ordenar: por la columna siguiente
key-reverse-sort-order = invertir: el orden
key-link-chosen-candidate = vincular: al candidato elegido
key-pick-another-candidate = elegir: otro candidato
key-search-crm-contact = buscar: un contacto en el CRM
key-create-contact-in-crm = crear: el contacto en el CRM
key-skip-bring-back = descartar: o recuperar
key-filter-queue = filtrar: la cola
key-view-all-open-only = vista: todas, abiertas, descartadas, resueltas
key-choose-another-value = elegir: otro valor
key-apply-change = aplicar: el cambio
key-discard-change-not-applied = descartar: el cambio no aplicado
key-level-cycle-level-filter = nivel: cambia el filtro de nivel
key-clear-filter = borrar: el filtro
key-yes-do = sí, hazlo
key-no-go-back = no, volver
key-yes-once-word-is = sí, una vez escrita la palabra
key-next-field = campo siguiente
key-previous-field = campo anterior
key-create-contact-link = crear el contacto y vincular
key-cancel = cancelar
key-search-link-chosen-contact = buscar / vincular el contacto elegido
key-previous-result = resultado anterior
key-next-result = resultado siguiente
key-close-help = cerrar la ayuda
key-run-command = ejecutar el comando
key-complete-again-next-match = completar: otra vez para la siguiente coincidencia
key-keep-filter = mantener el filtro
key-cancel-put-old-filter = cancelar: vuelve el filtro anterior
key-copy-code-osc-52 = copiar el código (OSC 52, funciona por SSH)
key-hide-sign-in-keeps = ocultar (el inicio de sesión sigue esperando)
key-mark-unmark = marcar / desmarcar
key-mark-all-visible = marcar todo (visible)
key-licence = licencia
key-edition = edición
key-assign-marked-users = asignar a los usuarios marcados

## Pestañas

tab-connection = Conexión
tab-sync = Sincronización
tab-seats = Licencias
tab-unresolved = Sin resolver
tab-settings = Ajustes
tab-log = Registro
tab-saved = Guardados
# Shorter names, for the other tabs when the tab bar would not fit.
tab-connection-short = Conex.
tab-sync-short = Sinc.
tab-seats-short = Licen.
tab-unresolved-short = Sin res.
tab-settings-short = Ajustes
tab-log-short = Reg.
tab-saved-short = Guard.

## Números y fechas ($day es un número, $mm y $dd dos cifras, $mon el mes abreviado)

month-abbr = { $month ->
    [1] ene
    [2] feb
    [3] mar
    [4] abr
    [5] may
    [6] jun
    [7] jul
    [8] ago
    [9] sept
    [10] oct
    [11] nov
   *[12] dic
}
date = { $day } { $mon } { $year }
date-time = { $date } { $time } UTC
date-time-short = { $day } { $mon } { $time }

## Marco de la pantalla: aviso, cabecera, línea de mensajes, pie

demo-banner = DEMO — conectado a un emulador local de Dynamics 365
flash-whole = … (completo: { $key } Registro, Intro)
too-small = Terminal demasiado pequeño
too-small-size = { $size }, se necesita { $need }
too-small-next = Amplíalo, o q para salir
header-no-crm = sin CRM
header-syncing = Sincronizando
header-syncing-phase = Sincronizando { $phase }
header-connected = Conectado
header-error = Error
header-disconnected = Desconectado
header-not-connected = Sin conectar
header-last-sync = última sincronización { $ago } ({ $at })
header-synced = sinc. { $ago } ({ $at } UTC)
header-never-synced = nunca sincronizado
footer-more = más

## Fases de la sincronización

phase-users = usuarios
phase-opportunities = oportunidades
phase-accounts = cuentas
phase-contacts = contactos
phase-saved-lists = listas guard.
phase-writeback = reescritura

## Tiempos relativos

time-just-now = ahora mismo
time-in-under-a-minute = en <1 min
time-ago = hace { $span }
time-in = en { $span }
span-min = { $n } min
span-h = { $n } h
span-d = { $n } d

## Pestaña Conexión

never = nunca
field-last-sync = Última sinc.
field-instance = Instancia
field-organisation = Organización
field-org-version = Versión
field-crm-user = Usuario CRM
field-sign-in = Inicio sesión
conn-connected-to = Conectado a Microsoft Dynamics
conn-ok = Conexión realizada
conn-ok-syncing = Conexión realizada, sincronización en curso
conn-last-sync-failed = Falló la última sincronización: { $title }
conn-error-not-connected = { $title } — sin conectar
conn-detail = Detalle: { $detail }
conn-next-step = Siguiente paso: { $next }
conn-disconnected = Desconectado — pulsa c para volver a conectar
conn-never = Sin conectar — pulsa c para conectar
conn-checks-failed = { $failed ->
    [one] Falló { $failed } de { $total } comprobaciones: { $names } (detalles abajo)
   *[other] Fallaron { $failed } de { $total } comprobaciones: { $names } (detalles abajo)
}
conn-integration-user = usuario de integración ✔ (recomendado)
conn-interactive-user = usuario interactivo ⚠ se recomienda un usuario de integración
conn-creator = { $user } aparece como creador de las actividades reescritas.
conn-checks = Comprobaciones de requisitos
conn-checks-none = aún no se ha hecho ninguna (c conecta, r comprueba)
check-pass = ok
check-fail = FALLO
check-sign-in = inicio de sesión
check-online = en línea
check-version = versión
check-not-sandbox = no es Sandbox
check-who-am-i = quién soy (WhoAmI)
check-objects-readable = objetos legibles
check-privileges = privilegios
check-writeback = reescritura
conn-signing-in = Iniciando sesión…
conn-rechecking = Repitiendo las comprobaciones de requisitos…
disconnect-title = Desconectar
disconnect-question = ¿Desconectar del CRM? La sincronización se detiene.
disconnect-keeps = Los datos importados del CRM se conservan (D para limpiarlos).
purge-title = Desconectar y limpiar
purge-yes = Sí, limpiar todos los datos previamente importados del CRM.
purge-copies = Elimina las copias del CRM: { $tables }.
purge-saved = Elimina { $accounts ->
    [one] { $accounts } cuenta guardada
   *[other] { $accounts } cuentas guardadas
} y { $leads ->
    [one] { $leads } posible cliente guardado
   *[other] { $leads } posibles clientes guardados
} que trajo la sincronización.
purge-kept = Se conservan: lo guardado a mano, las licencias y las actividades.
more-below = hay más abajo: j/↓ desplaza, G va al final
more-above = hay más arriba: k/↑ desplaza, g va al principio
error-title-connection = Error de conexión
error-title-crm-api = Error de la API del CRM
error-title-insufficient-privileges = Privilegios insuficientes
error-title-objects-unreadable = No se han podido leer los objetos de CRM exigidos
error-title-unsupported = Este CRM no se puede sincronizar
error-title-other = No se ha podido conectar
error-console-next-connection = Comprueba la red de este equipo y la URL de la instancia y vuelve a comprobar (r).
error-console-next-crm-api = Consulta el tiempo de actividad del CRM (estado del servicio en el centro de administración de Microsoft 365) y vuelve a comprobar (r).
error-console-next-insufficient-privileges = Pide a tu administrador de CRM que conceda el privilegio indicado arriba al usuario de la conexión y vuelve a comprobar (r).
error-console-next-objects-unreadable = Pide a tu administrador de CRM acceso de lectura a los objetos indicados arriba y vuelve a comprobar (r).
error-console-next-unsupported = navsync necesita Dynamics 365 online, versión 8.2 o superior, en un entorno de producción: apunta crm.instance_url a uno y conecta (c).
error-console-next-other = Corrige lo que indica el detalle (configuración, secreto, caché de tokens) y vuelve a conectar (c).

## Pestaña Sincronización

per-second = { $n }/s
eta = quedan { $left }
count-rows = { $count ->
    [one] { $count } fila
   *[other] { $count } filas
}
span-s = { $n } s
span-h-min = { $h } h { $min } min
outcome-running = en curso
outcome-ok = ok
outcome-error = error
outcome-cancelled = cancelada
mode-full = completa
mode-incremental = incremental
mode-dry-run = simulación
run-head = Ejecución { $id }{ $dry ->
    [yes] {" "}(simulación: no se cambió nada)
   *[no] {""}
} · { $mode } · { $outcome }
run-started = Inicio     { $at }
run-finished = Fin        { $at }
run-requests = Peticiones { $requests } · reintentos { $retries } · esperas 429 { $waits }
run-error = Error: { $kind }: { $detail }
run-report = Informe:
run-title = Ejecución { $id }
sync-requested = Sincronización solicitada
dry-run-requested = Simulación solicitada: no se cambiará nada
sync-cancelling = Cancelando la sincronización en curso…
no-run-yet = Aún no hay ejecuciones
not-scheduled = sin programar
field-next-run = Próxima
field-now = Ahora
field-waiting = Esperando
sync-running = en curso ({ $mode }) · { $requests } peticiones · { $retries } reintentos · { $throttled } × 429
wait-429 = esperando { $left }: el CRM pidió ir más despacio (429)
wait-retry = reintento en { $left }: { $reason }
sync-idle-last = inactiva — última ejecución { $outcome }: { $summary }
sync-idle = inactiva: no se ha sincronizado desde que se abrió la consola
rows-per-second = filas/s { $n }
col-started = Inicio
col-mode = Modo
col-outcome = Resultado
col-requests = Pet.
col-retries = Reint
col-rows = Filas
report-enter = informe: Intro

## Pestaña Licencias

col-name = Nombre
col-licence = Licencia
col-edition = Edición
col-crm-user = Usuario CRM
col-sync = Sinc.
col-in-crm = En el CRM
licence-admin = admin.
licence-member = miembro
edition-team = Team
edition-enterprise = Enterprise
switch-on = sí
switch-off = no
seats-none-to-change = Ninguna licencia que cambiar
seats-the-seat-of = la licencia de { $name }
seats-marked-hidden = { $count ->
    [one] { $count } marcada ({ $hidden } ocultas por el filtro)
   *[other] { $count } marcadas ({ $hidden } ocultas por el filtro)
}
seats-sync-question = ¿{ $on ->
    [on] Activar
   *[off] Desactivar
} la sincronización con el CRM para { $what }?
seats-sync-on-effect = Las cuentas y los contactos de sus oportunidades se importan en la próxima sincronización.
seats-sync-off-effect = Lo que el CRM trajo a sus listas guardadas se elimina en la próxima sincronización.
seats-sync-undo = { $on ->
    [on] Activar
   *[off] Desactivar
} la sincronización para { $what }
seats-sync-title = { $on ->
    [on] Activar
   *[off] Desactivar
} sincronización
seats-counts = { $admins } admin. · { $members ->
    [one] { $members } miembro
   *[other] { $members } miembros
} · { $in_crm } en el CRM
count-marked = { $count ->
    [one] { $count } marcada
   *[other] { $count } marcadas
}
filter-shown = filtro «{ $filter }»: { $count } visibles
seats-auto-sync-all = autosincronizar todos
seats-empty = Aún no hay licencias. Pulsa n para asignar licencias desde el CRM.
seats-user-not-synced = sin sincronizar
seats-user-not-matched = sin coincidencia
seats-in-crm = En el CRM

## Pestaña Sin resolver

pending-link = vinculando a { $name }…
pending-skip = descartando…
pending-bring-back = recuperando…
col-sent = Hace
col-member = Miembro
col-company = Empresa
col-kind = Tipo
col-seat-holder = Titular
col-state = Estado
kind-inmail = InMail
kind-message = mensaje
kind-note = nota
queue-empty = La cola está vacía
no-candidate-to-link = Ningún candidato que vincular: busca en el CRM (/) o crea el contacto (c)
linking = Vinculando { $member } a { $name }…
undo-skip = { $skip ->
    [yes] descarte de
   *[no] recuperación de
} { $member }
unresolved-title = { $count } sin resolver ({ $skipped ->
    [one] { $skipped } descartada
   *[other] { $skipped } descartadas
})
view-open-only = solo abiertas (v)
view-skipped-only = solo descartadas (v)
filter-named = filtro «{ $filter }»
count-shown = { $count } visibles
unresolved-empty = Nada que resolver: cada actividad coincide con un contacto del CRM.
state-working = en curso
state-skipped = descartada
activity = Actividad
loading = cargando…
no-match = Sin coincidencia:
no-candidates = Sin candidatos: / busca en el CRM, c crea el contacto.
candidates = Candidatos (←/→ elige, Intro vincula)
gone-from-crm-copy = (ya no está en la copia del CRM)
sent-queued = Enviada { $sent } · en cola hace { $queued }

## Pestaña Registro

level-error = ERROR
level-warn = AVISO
level-info = info
level-debug = depur
level-trace = traza
log-all-levels = todos los niveles
log-level-and-worse = { $level } y más graves
log-title = Registro — { $shown } de { $total } líneas, { $level } (l cambia)
col-time = Hora
col-level = Nivel
col-message = Mensaje

## Pestaña Guardados

col-item = Tipo
col-brought-in-by = Traído por
col-stage = Fase
col-owner = Propietario
col-saved = Guardado
item-account = cuenta
item-lead = posible cliente
saved-crm-and-hand = CRM+mano
saved-crm = CRM
saved-by-hand = a mano
not-in-crm-copy = (no está en la copia del CRM)
saved-counts = { $accounts ->
    [one] { $accounts } cuenta
   *[other] { $accounts } cuentas
} · { $leads ->
    [one] { $leads } posible cliente
   *[other] { $leads } posibles clientes
} · { $manual } a mano
saved-empty = Aún no hay nada guardado. La sincronización guarda las cuentas y los contactos de las oportunidades abiertas de los titulares de licencias (Licencias: sinc. sí).
saved-reading = Leyendo las listas guardadas…

## Pestaña Ajustes

setting-auto-sync = Autosincronizar titulares
setting-pipeline-stage = Fase de entrada en cartera
setting-won-value = Campo de valor ganado
setting-writeback = Reescritura
setting-sync-back = Elementos a reescribir
setting-interval = Intervalo de sincronización
kinds-all = Todos los elementos
kinds-inmails = InMail
kinds-messages = mensajes
kinds-notes = notas
kinds-only = Solo { $kinds }
yes = Sí
no = No
on = Sí
off = No
not-sure-all-open = No estoy seguro (todas)
not-sure = No estoy seguro
stage-number = fase { $value }
setting-unchanged = Sin cambios
setting-applied = { $question }: { $value } — se aplica desde la próxima sincronización
setting-discarded = { $question }: cambio descartado
settings-heading = Ajustes (←/→ elige, Intro aplica, Esc descarta)
source-console = consola
unsaved = sin guardar
unsaved-now = { $question } (ahora { $value })
unsaved-list = Sin guardar: { $list }. Intro aplica, Esc descarta.
settings-apply-note = Los cambios se aplican desde la próxima sincronización. consola: fijado aquí, prevalece sobre config.toml.
settings-choices-not-read = Las fases y los campos de importe del CRM se leen en la primera sincronización; hasta entonces solo se ofrece «No estoy seguro».
settings-choices-read = Opciones del CRM leídas { $when }.

## Mensajes de toda la consola y las líneas de registro que escribe

quit-unsaved = { $question }: cambio no aplicado (Ajustes: Intro aplica, Esc descarta); otra q sale
filter-cleared = Filtro borrado
undoing = Deshaciendo: { $what }
nothing-to-undo = Nada que deshacer: el último descarte o cambio de licencia se puede deshacer hasta que empiece la próxima sincronización; los vínculos se escriben en el CRM al momento
engine-stopped = El motor se ha detenido; vuelve a iniciar navsync
log-run-finished = sincronización { $outcome }: { $summary }
log-delta-rejected = el seguimiento de cambios de { $table } ha caducado: se lee completa una vez
log-retry = reintento { $attempt } en { $secs } s: { $reason }
log-throttled = el CRM pidió ir más despacio (429): esperando { $secs } s
log-store-read-failed = leyendo el almacén: { $error }

## Ventanas

assign-mark-first = Marca los usuarios del CRM a los que asignar (Espacio)
assign-title = Asignar licencias desde el CRM
col-email = Correo
col-seat = Licencia
assign-has-seat = tiene licencia
assign-keys = Espacio marca · a todos · A quita · / filtra · Intro asigna · Esc cierra
unknown-command = Comando desconocido :{ $typed } — prueba :{ $names }
tab-completes = Tab completa:
no-command-starts-so = ningún comando empieza así
filter-prompt = filtro:
still-counting = Aún se está contando lo que se elimina; un momento
type-to-confirm = Escribe { $word } para confirmar, o Esc para volver
counting = contando lo que se elimina…
type-word = Escribe { $word }:
copied = Copiado al portapapeles (OSC 52)
code-copied = Código copiado al portapapeles (OSC 52)
device-title = Iniciar sesión en Microsoft
device-waiting = Esperando a que inicies sesión — el código caduca en { $left }
device-expired = El código ha caducado: pulsa Esc y luego c para obtener otro.
device-open = En cualquier dispositivo, abre:
device-enter-code = e introduce el código:
device-keys = y copia el código · Esc oculta (el inicio de sesión sigue esperando)
help-title = Teclas (Esc cierra, ↑/↓ desplaza)
linking-to = Vinculando a { $name }…
search-type-something = Escribe un nombre, un correo o una empresa
search-title = Buscar contactos del CRM
searching = buscando en el CRM…
search-none = No se ha encontrado ningún contacto. Esc y luego c crea uno.
search-prompt = Buscar:
search-how = Intro busca; otro Intro vincula el contacto elegido.
search-found = { $count ->
    [one] { $count } encontrado — ↑/↓ elige, Intro vincula
   *[other] { $count } encontrados — ↑/↓ elige, Intro vincula
}
form-first-name = Nombre
form-last-name = Apellidos
form-email = Correo
form-job-title = Cargo
form-company = Empresa
form-last-name-required = El CRM exige los apellidos
form-bad-email = «{ $email }» no es una dirección de correo (nombre@empresa.com)
form-creating = Creando { $name } en el CRM y vinculando…
form-title = Crear contacto en el CRM
form-intro = Del perfil del miembro; edita y luego Intro.
form-keys = Tab campo siguiente · Intro crea y vincula · Esc cancela

## Errores del CRM y sus siguientes pasos (primero los cuatro de la guía)

crm-connection-error = Error de conexión con el CRM. Vuelve a intentarlo más tarde.
crm-connection-next = Comprueba la red de este equipo y la URL de la instancia (crm.instance_url).
crm-api-error = Se ha producido un error con la API del CRM. Vuelve a intentarlo más tarde.
crm-api-next = Se ha producido un error en el acceso a la API, consulta el tiempo de actividad del sistema CRM o consulta a tu representante de CRM.
crm-privileges-error = Tu cuenta de CRM no tiene suficientes privilegios de acceso. Consulta a tu administrador de CRM.
crm-privileges-next = Ponte en contacto con tu administrador de CRM interno para obtener los privilegios de acceso necesarios.
crm-privileges-next-named = Ponte en contacto con tu administrador de CRM interno para obtener el privilegio que falta: { $privilege }.
crm-objects-error = No se han podido leer los objetos de CRM exigidos por tu empresa.
crm-objects-next = Pide a tu administrador de CRM acceso de lectura para el usuario de la conexión a: { $objects }.
crm-sign-in-error = No se ha podido iniciar sesión en Microsoft Entra ID.
crm-sign-in-next = Revisa crm.tenant_id, crm.client_id y el secreto de cliente en la configuración, y que el registro de la aplicación tenga un usuario de aplicación en este entorno de Dynamics.
crm-device-code-expired = El código de inicio de sesión caducó antes de usarse.
crm-device-code-expired-next = Vuelve a ejecutar `navsync connect` e introduce el nuevo código en el navegador antes de que caduque.
crm-device-code-declined = El inicio de sesión se rechazó en el navegador.
crm-not-signed-in = navsync no ha iniciado sesión en el CRM.
crm-not-signed-in-next = Ejecuta `navsync connect` para volver a iniciar sesión.
crm-local-setup-error = La configuración o los archivos de CRM de navsync en este equipo no se pueden usar.
crm-insecure-file-next = Solo su propietario debe poder leerlo: ejecuta `chmod 600 { $path }`.
crm-local-setup-next = Corrige el ajuste o el archivo indicado en el detalle y vuelve a intentarlo.
crm-cancelled = Cancelado.
crm-cancelled-next = No hay nada que hacer; vuelve a iniciarlo cuando quieras.
crm-connected = Conectado a Microsoft Dynamics — Conexión realizada, sincronización en curso
crm-on-premise = Microsoft Dynamics On-premise no es compatible: solo Dynamics 365 online, versión 8.2 o superior.
crm-sandbox = La instalación de Sandbox no es compatible en este momento.
crm-version-too-old = Dynamics 365 { $version } no es compatible: se necesita la versión 8.2 o superior.
crm-recommend-integration-user = Has conectado como { $user }, un usuario interactivo: te recomendamos que utilices un usuario de integración (usuario de aplicación) o un nombre genérico.
crm-creator-and-owner = En el CRM, { $user } aparecerá como creador de cada actividad escrita; el titular de la licencia será su propietario.
assign-already-holds = { $name } ya tiene una licencia
assign-status = { $users } usuarios · { $marked } marcados · nuevas licencias: { $licence } (l), edición { $edition } (e)

## Lo que el motor responde y registra (en el idioma del proceso que lo ejecuta)

engine-sync-already-running = Ya hay una sincronización en curso; esta petición no se inició. Espera a que termine o cancélala.
engine-cancelling-sync = Cancelando la sincronización; lo ya terminado se conserva y la próxima ejecución continúa.
engine-cancelling-connect = Cancelando la conexión; no se cambia nada.
engine-no-sync-running = No hay ninguna sincronización en curso.
engine-search-failed = Falló la búsqueda en el CRM: { $error }
engine-busy-syncing = Hay una sincronización en curso; cancélala o deja que termine y vuelve a intentarlo.
engine-busy-connecting = Hay una conexión en curso; espera o cancélala y vuelve a intentarlo.
engine-check-log = [{ $passed ->
    [yes] {" "}ok{" "}
   *[no] FALLO
}] { $check }: { $detail }
engine-unsupported-next = navsync funciona con Dynamics 365 online (versión 8.2 o superior, no Sandbox); conecta con un entorno así.
engine-check-failed = comprobación fallida: { $check }
engine-connected-no-sync = Conectado a Microsoft Dynamics; la primera sincronización no pudo empezar (mira el error).
engine-disconnected = Desconectado de Microsoft Dynamics: sincronización detenida, tokens de inicio de sesión eliminados.
engine-disconnected-tokens-kept = Desconectado de Microsoft Dynamics: sincronización detenida; no se pudieron eliminar los tokens de inicio de sesión: { $error }
engine-purged = Datos del CRM importados eliminados: { $users } usuarios, { $accounts } cuentas, { $contacts } contactos, { $opportunities } oportunidades; { $saved_accounts } cuentas guardadas y { $saved_leads } posibles clientes guardados que trajo la sincronización. Se conservan las licencias, las actividades y lo que guardaste tú.
engine-cannot-write = Esta conexión con el CRM no puede escribir; vuelve a conectar con permisos de reescritura.
engine-connect-cancelled = Conexión cancelada; la conexión guardada no cambia.
engine-checks-passed-again = Todas las comprobaciones de conexión vuelven a ser correctas.
engine-set-auto-sync = Autosincronizar titulares: { $on ->
    [yes] sí
   *[no] no
}
engine-set-stage = Fase de entrada en cartera: { $stage }
engine-set-stage-not-sure = Fase de entrada en cartera: No estoy seguro (todas las abiertas)
engine-set-won-value = Campo de valor ganado: { $field }
engine-set-won-value-not-sure = Campo de valor ganado: No estoy seguro
engine-set-writeback = Reescritura: { $on ->
    [on] sí
   *[off] no
}
engine-set-kinds = Reescribir: { $kinds }
engine-set-interval = Sincronizar cada { $interval }
engine-setting-applied = { $what }. Se aplica desde la próxima sincronización.
engine-linked = { $kind ->
    [inmail] El InMail
    [note] La nota
   *[message] El mensaje
} de { $member } se vinculó a { $contact } y se cerró en el CRM
engine-the-new-contact = el contacto nuevo ({ $id })
engine-skipped = Descartada; sigue abierta en el CRM y se puede recuperar
engine-back-in-queue = De vuelta en la cola
engine-assigned = { $created ->
    [one] { $created } licencia creada
   *[other] { $created } licencias creadas
}, { $linked ->
    [one] { $linked } licencia existente emparejada
   *[other] { $linked } licencias existentes emparejadas
}, { $already ->
    [one] { $already } usuario ya tenía licencia
   *[other] { $already } usuarios ya tenían licencia
}
engine-assign-refused = , { $count } rechazadas
engine-seat-sync = Sincronización con el CRM { $on ->
    [on] activada
   *[off] desactivada
} para { $count ->
    [one] { $count } licencia
   *[other] { $count } licencias
}; { $changed ->
    [one] { $changed } cambiada
   *[other] { $changed } cambiadas
}
run-summary = { $dry ->
    [yes] se importarían
   *[no] importadas
} { $accounts_added ->
    [one] { $accounts_added } cuenta
   *[other] { $accounts_added } cuentas
}, { $leads_added ->
    [one] { $leads_added } posible cliente
   *[other] { $leads_added } posibles clientes
}; { $dry ->
    [yes] se eliminarían
   *[no] eliminadas
} { $accounts_removed ->
    [one] { $accounts_removed } cuenta
   *[other] { $accounts_removed } cuentas
}, { $leads_removed ->
    [one] { $leads_removed } posible cliente
   *[other] { $leads_removed } posibles clientes
}; leídas { $rows ->
    [one] { $rows } fila del CRM
   *[other] { $rows } filas del CRM
} en { $requests ->
    [one] { $requests } petición
   *[other] { $requests } peticiones
}
run-summary-reread = ; lectura completa de { $tables } (token de cambios caducado)
run-summary-cancelled = {" "}(cancelada; la próxima ejecución continúa)
run-summary-error = {" "}(terminó con un error)
wb-paused = Reescritura en pausa: las actividades esperan en la bandeja de salida
wb-paused-next = Saldrán con la próxima sincronización; si se repite, comprueba el estado del CRM y el detalle.
wb-refused = El CRM rechazó { $count ->
    [one] { $count } escritura de actividad
   *[other] { $count } escrituras de actividades
}
wb-refused-next = Corrige lo que indica el CRM (un privilegio, el valor de un campo); las escrituras rechazadas se reintentan en las próximas sincronizaciones.
wb-off = reescritura desactivada
wb-unavailable = reescritura no disponible con esta conexión al CRM
wb-would-write = { $count ->
    [one] se escribiría { $count } actividad
   *[other] se escribirían { $count } actividades
} ({ $open ->
    [one] { $open } abierta
   *[other] { $open } abiertas
}, sin coincidencia)
wb-wrote = { $count ->
    [one] escrita { $count } actividad
   *[other] escritas { $count } actividades
} ({ $open ->
    [one] { $open } abierta nueva
   *[other] { $open } abiertas nuevas
}, sin coincidencia)
wb-wrote-refused = , { $count } rechazadas por el CRM
wb-wrote-as-integration = , { $count } como usuario de integración (actuar en nombre de otro rechazado)
wb-wrote-paused = , en pausa: { $why }
engine-token-renewed = Token de acceso al CRM renovado ({ $reason })
engine-delta-fallback = { $table }: seguimiento de cambios inutilizable ({ $reason }); lectura completa
engine-poll-slowed = el servidor de inicio de sesión pidió consultar cada { $secs } s

## Detalles de las comprobaciones de conexión (se guardan con la comprobación, en el idioma de la conexión)

check-signed-in = sesión iniciada ({ $method })
check-org-at = { $org } en { $host }
check-no-web-address = sin dirección web
check-org-type = tipo de organización { $kind }
check-application-user = usuario de aplicación
check-interactive-user = usuario interactivo
check-writeback-off = la reescritura está desactivada
check-solution-installed = solución { $name } { $version } instalada
check-solution-missing = la solución { $name } (writeback.required_solution) no está instalada en este entorno; pide a un administrador de Dynamics que la instale
check-tasks-creatable = se pueden crear tareas
check-read-privileges = privilegios de lectura presentes
check-privileges-present = { $names } presentes
check-user-lacks = al usuario de la conexión le falta { $names }
check-tasks-probed = se pueden crear tareas (comprobado con un conjunto de cambios revertido)
import-summary = importadas { $imported }, omitidas { $known } ya conocidas, { $bad } líneas erróneas
inbox-not-imported = no importado: { $error }
inbox-line = bandeja de actividades: { $file } -> { $what }
seat-created = creada la licencia { $id } para { $name }
seat-matched = licencia existente { $id } ({ $name }) emparejada con el usuario del CRM
seat-already = { $name } ya tiene la licencia { $id }; no se duplica

## Comprobaciones de conexión, como las nombran los comandos y el registro

check-label-sign-in = inicio de sesión
check-label-online = Dynamics 365 online
check-label-version = versión 8.2 o superior
check-label-not-sandbox = no es Sandbox
check-label-who-am-i = WhoAmI
check-label-objects-readable = objetos exigidos legibles
check-label-privileges = privilegios
check-label-writeback = requisitos de la reescritura

## Comandos sin consola

cli-status-no-config = no hay archivo de configuración (se buscó en --config, $NAVSYNC_CONFIG, ~/.config/navsync/config.toml); consulta config.example.toml
cli-engine-not-running = no está en marcha (los comandos inician uno mientras duran)
cli-engine-running-sync = en marcha; sincronización { $run } en curso: { $phase } ({ $rows } filas)
cli-engine-running-next = en marcha; próxima sincronización { $next }
cli-state-disconnected = Desconectado (sin sincronizar)
cli-state-error = Falló la conexión
cli-state-unconfigured = Sin configurar (no hay archivo de configuración; consulta config.example.toml)
cli-state-never = Sin conectar (ejecuta `navsync connect`)
cli-integration-user = usuario de integración
cli-no-error = ninguno
cli-field-engine = motor
cli-field-state = estado
cli-field-instance = instancia
cli-field-crm-user = usuario CRM
cli-field-org-version = versión
cli-field-last-sync = última sinc.
cli-field-last-error = último error
cli-nothing-to-disconnect = Sin conexión con Microsoft Dynamics; nada que desconectar.
cli-nothing-imported = no se importó nada; el formato está en el README, «Activity files»
cli-the-crm = el CRM
cli-connecting = Conectando con { $instance } …
cli-crm-asked-wait = el CRM pidió esperar { $secs } s
cli-trying-again = { $reason }; se reintenta en { $ms } ms
cli-detail = detalle: { $detail }
cli-next-step = siguiente paso: { $next }
cli-dry-run-copy-failed = no se puede copiar el almacén para la simulación: { $error }
cli-not-connected = sin conexión con Microsoft Dynamics. Ejecuta antes `navsync connect`.
cli-following-run = ya hay una sincronización en curso (ejecución { $run }); se sigue esa
cli-dry-run-wait = hay una sincronización en curso (ejecución { $run }); inicia la simulación cuando termine
cli-stopped-following = se dejó de seguir; la ejecución continúa en el servicio
cli-progress = { $rows } filas ({ $rate }/s)
cli-retry = reintento { $attempt } en { $wait }: { $reason }
cli-throttled = esperando { $wait }: el CRM pidió ir más despacio (429)
cli-service-stopped = el servicio navsync se detuvo antes de terminar la ejecución; continúa cuando el servicio vuelva a arrancar
cli-no-seats = aún no hay licencias (no hay almacén en { $store })
cli-name-a-seat = indica al menos una licencia (id, id de miembro o correo); consulta `navsync seats list`
cli-name-a-user = indica al menos un usuario del CRM (id de usuario del sistema o correo)
demo-generating = generando un inquilino { $scale } (semilla { $seed })...
demo-serving = emulador en { $url }
demo-sync-done = sincronización de la demo { $outcome }: { $summary }
demo-no-terminal = la salida no es un terminal, así que no se abrió la consola; ejecuta `navsync demo` en un terminal para usarla.
demo-too-slow = la primera sincronización no terminó en { $secs } s
console-not-a-tty = la consola necesita un terminal (la salida no es un TTY).
    Para scripts, cron y systemd usa los comandos sin consola:
      navsync status [--json]      conexión, última sincronización, último error
      navsync sync --once          un ciclo de sincronización (añade --dry-run para no cambiar nada)
      navsync seats list|enable|disable|assign
      navsync activities import FILE
      navsync connect | disconnect [--purge]
      navsync serve                el motor como servicio (systemd); todo lo anterior se conecta a él
    Consulta navsync --help.
console-no-terminal = no se puede abrir el terminal: { $error }
console-signal = detenido por una señal; el motor termina lo que está en curso
console-engine-gone = el motor se detuvo; consulta el registro en el directorio de datos
console-terminal-error = error del terminal: { $error }
key-force-quit = salir ya, desde cualquier sitio

## Por qué el motor rechazó algo

err-unknown-seat = no hay ninguna licencia { $seat }; indica una licencia por el id, el id de miembro o el correo que imprime `navsync seats list`
err-unknown-user = no hay ningún usuario del CRM { $user } entre los sincronizados; usa un id de usuario del sistema o un correo, y sincroniza antes si el usuario es nuevo
err-not-assignable = el usuario del CRM { $name } no puede tener licencia: { $why }; elige un usuario del CRM activo e interactivo
err-not-in-queue = la actividad { $id } no está en la cola sin resolver; vuelve a cargar la cola
err-not-written-yet = la actividad de { $member } ("{ $subject }") aún está en cola para el CRM: podrá resolverse cuando el CRM la tenga, tras la próxima sincronización
err-not-done = el CRM no aceptó el cambio: { $why }; queda en cola y se reintenta con la próxima sincronización
err-not-connected = sin conexión con Microsoft Dynamics; ejecuta antes `navsync connect`
err-interval-too-short = el intervalo de sincronización debe ser de al menos 5 minutos (como en config.toml)
err-no-kinds = elige al menos un tipo de actividad que reescribir, o desactiva la reescritura
err-import-read = no se puede leer el archivo de actividades { $path }: { $error }; comprueba la ruta, sus permisos y que sea texto UTF-8
err-import-header = { $path }: { $message }; la primera línea debe nombrar las columnas (consulta el README, «Activity files»)
err-import-store = { $error }; no se importó nada, vuelve a intentarlo cuando el almacén admita escritura

## navsync init

init-exists = { $path } ya existe; edítalo, o elimínalo antes para empezar de nuevo (navsync init nunca sobrescribe una configuración)
init-no-answer = sin respuesta a { $question } (la entrada terminó)
init-cannot-write = no se puede escribir { $path }: { $error }
init-cannot-read = no se pueden leer las respuestas: { $error }
init-required = { $what } es obligatorio
init-intro = una configuración para Microsoft Dynamics 365 online. Cada respuesta se comprueba sobre la marcha.
init-q-instance = URL de la instancia (https://ORG.crm.dynamics.com)
init-q-tenant = Id. de inquilino de Microsoft Entra (GUID o dominio)
init-the-tenant-id = el id. de inquilino
init-q-client = Id. de la aplicación (cliente)
init-the-client-id = el id. de cliente
init-q-auth = Inicio de sesión: client_secret (usuario de integración, recomendado) o device_code
init-bad-auth = { $answer }: responde client_secret o device_code
init-q-secret-env = Variable de entorno que contendrá el secreto de cliente
init-bad-env = solo letras, dígitos y _, p. ej. NAVSYNC_CLIENT_SECRET
init-wrote = escrito { $path } (modo 0600)
init-next-secret = Siguiente: exporta { $env }=<el secreto de cliente> y ejecuta `navsync connect` (o `navsync` para la consola).
init-next-device = Siguiente: ejecuta `navsync connect` (o `navsync` para la consola) e inicia sesión desde cualquier navegador.
init-no-config-dir = este sistema no tiene directorio de configuración; indica --config PATH
init-no-config = no hay archivo de configuración en { $path }.
init-offer = ¿Crear uno ahora (navsync init)? [S/n]

## Qué está mal en un archivo de configuración

cfg-allowed-log-level = permitido: error, warn, info, debug, trace
cfg-allowed-keys = permitido: una tecla ("x", "ctrl-r", "f5") o una lista de teclas (["s", "f5"])
cfg-empty-tenant = no puede estar vacío: indica el id. de inquilino de Microsoft Entra (un GUID) o el dominio
cfg-empty-client = no puede estar vacío: indica el id. de la aplicación (cliente)
cfg-one-secret = indica solo uno de client_secret_env, client_secret_file, client_secret
cfg-secret-env-empty = debe nombrar una variable de entorno
cfg-allowed-concurrency = permitido: de 1 a 50 (Dataverse admite 52 peticiones simultáneas por usuario)
cfg-allowed-page-size = permitido: de 1 a 5000 (el tamaño de página máximo de Dataverse)
cfg-allowed-split-rows = permitido: 0 (no dividir nunca) o un número de filas
cfg-allowed-stage = permitido: "not_sure" o el valor de opción de una fase de venta (un número)
cfg-allowed-won-value = permitido: "not_sure" o el nombre lógico de una columna de importe (letras, dígitos, _)
cfg-allowed-kinds = permitido: "inmail", "message", "note", "tag"
cfg-no-kinds = debe nombrar al menos un tipo; para no reescribir nada pon enabled = false
cfg-allowed-unit = permitido: un número de 0.0 a 1.0
cfg-authority-https = debe ser https (http solo para 127.0.0.1, el emulador)
cfg-inline-secret = un secreto solo puede escribirse en el archivo si este tiene modo 0600 (ejecuta: chmod 600 { $path }), o usa client_secret_env / client_secret_file
cfg-not-a-url-instance = no es una URL ({ $error }); se espera https://ORG.crm.dynamics.com (o un host regional crmN)
cfg-not-https = { $scheme }:// no se admite para { $host }: Dynamics 365 online solo es accesible por https (http solo se acepta para 127.0.0.1, el emulador)
cfg-not-instance-host = { $host } no es un host de instancia de Dynamics 365 online; se espera ORG.crm.dynamics.com o uno regional ORG.crmN.dynamics.com
cfg-on-premise = { $host } parece un servidor local: Microsoft Dynamics On-premise no es compatible, solo Dynamics 365 online (https://ORG.crm.dynamics.com, versión 8.2 o superior)
cfg-not-a-url = no es una URL ({ $error })
cfg-allowed-interval = permitido: un número seguido de m, h o d, p. ej. "30m", "24h" (mínimo 5m, máximo 365d)
cfg-cannot-read = no se puede leer el archivo de configuración { $path }: { $error }
cfg-invalid = clave `{ $key }`: { $message }
cfg-missing = no se encontró ningún archivo de configuración (se buscó en { $path }); copia allí config.example.toml o indica --config PATH

## [keys] en config.toml

keys-not-a-key = { $spec } no es una tecla: usa un carácter ("x", "?"), un nombre (enter, esc, tab, shift-tab, space, up, down, left, right, pgup, pgdn, home, end, backspace, delete, f1..f12), o ctrl-/alt- delante de uno
keys-give-one = indica al menos una tecla
keys-needs-modifier = { $action } funciona también en los campos de texto, así que necesita ctrl- o alt-, no { $label }
keys-no-action = no hay ninguna acción { $action }; las acciones son: { $names }
keys-clash = { $key } está asignada a { $a } y a { $b } a la vez { $place }
keys-in-tab = en la pestaña { $tab }
keys-in-popup = { $popup ->
    [confirm] en las preguntas de sí o no
    [confirm-typed] en la pregunta que pide escribir una palabra
    [detail] en la ventana de detalles
    [form] en el formulario de contacto nuevo
    [search] en la búsqueda en el CRM
    [help] en la ayuda
    [command-line] en la línea de órdenes :
    [filter-line] en la línea de filtro
    [find-line] en la línea de búsqueda
    [device-code] en la ventana del código de inicio de sesión
   *[assign] en la lista de usuarios a los que asignar licencias
}

## Por qué el emparejamiento vinculó a un miembro con un contacto, o no pudo
reason-email = correo electrónico
reason-profile-url = URL del perfil
reason-same-email = empate: { $count } contactos con el correo { $email }
reason-same-profile-url = empate: { $count } contactos con la misma URL de perfil
reason-name-company = nombre+empresa { $score }
reason-name-tie = empate: { $count } contactos con un nombre como { $name } en { $account }
reason-no-company = sin coincidencia de correo ni de perfil, y sin empresa
reason-no-account = no hay cuenta del CRM para { $company }
reason-below-threshold = el nombre más parecido en { $account } puntúa { $best }, por debajo del umbral { $threshold }
reason-no-contact-at = no hay contactos en { $account }
reason-name-at = nombre { $score }, en { $account }
reason-name-no-account = nombre { $score }, sin cuenta
reason-the-company = la empresa
reason-resolved = resuelto { $how }
resolved-how-candidate = eligiendo un candidato
resolved-how-search = con una búsqueda en el CRM
resolved-how-created = creando el contacto
token-reason-first = primero de esta ejecución
token-reason-expiring = el anterior iba a caducar
token-reason-rejected = el CRM rechazó el anterior: 401

## issue 24
# Se escriben en el CRM (datos, en el idioma configurado).
written-conversation-subject = Conversación con { $member }
written-earlier-messages = … { $count ->
    [one] 1 mensaje anterior
   *[other] { $count } mensajes anteriores
}
cfg-allowed-threads = permitido: "conversation", "per_message"
kind-tag = etiqueta
kinds-tags = etiquetas
conversation-messages = { $count ->
    [one] conversación, 1 mensaje
   *[other] conversación, { $count } mensajes
}
kind-conversation-short = { $count ->
    [one] 1 msj
   *[other] { $count } msjs
}
cli-switch-question = Conectado como { $from } ({ $from_method }) desde { $since }. ¿Cambiar la conexión al inicio de sesión { $to_method } del cliente { $to_client }? Se conservan las licencias, la configuración, la copia del CRM y las escrituras en cola; lo ya escrito queda como está.
cli-yes-no = s/N
cli-switch-not-confirmed = la conexión no se cambió; ejecute `navsync connect --yes` para cambiarla sin preguntar
cli-field-connected-since = Desde
conn-sign-in-since = { $method }, desde { $since }
switch-title = Cambiar la conexión
switch-question = Conectado como { $from } ({ $from_method }). ¿Cambiar la conexión al inicio de sesión { $to_method } de config.toml?
switch-keeps = Se conservan: licencias, ajustes, la copia del CRM y las escrituras en cola; lo ya escrito queda como está.
## issue 26
header-engine-own = motor propio
header-engine-own-short = propio
header-engine-service = servicio pid { $pid }
header-engine-service-short = pid { $pid }
seats-syncing = { $syncing } de { $total } sincronizan
col-member-id = Id. de miembro
seats-none-named = Ninguna licencia tiene «{ $who }» en el nombre, el correo o el id. de miembro
seats-named = { $count ->
    [one] { $count } licencia que coincide con «{ $who }»
   *[other] { $count } licencias que coinciden con «{ $who }»
}
saved-nothing-selected = No hay nada guardado que mostrar
saved-working = calculando la vista…
key-saved-item-whole = detalle: la fila entera
run-log-lines = Líneas del registro de esta ejecución (registro de esta consola):
run-log-none = ninguna
col-duration = Duró
field-history = Historial
history-only = solo ejecuciones { $outcome } (v muestra la siguiente)
key-view-outcome = vista: todas, solo ok, solo error, solo canceladas
key-run-report-log = detalle: informe y líneas del registro
key-help-top = a la primera línea
key-help-end = a la última línea
purge-table = { $table ->
    [systemusers] { $count ->
        [one] { $count } usuario del CRM
       *[other] { $count } usuarios del CRM
    }
    [opportunities] { $count ->
        [one] { $count } oportunidad
       *[other] { $count } oportunidades
    }
    [accounts] { $count ->
        [one] { $count } cuenta
       *[other] { $count } cuentas
    }
    [contacts] { $count ->
        [one] { $count } contacto
       *[other] { $count } contactos
    }
   *[other] { $count } { $table }
}
type-word-wrong = «{ $typed }» no es { $word }: escribe { $word } tal cual
filter-none-here = Esta pestaña no tiene tabla que filtrar
command-usage = Se escribe así: { $usage }
lang-set = Idioma de la consola: español
assign-confirm-title = Asignar licencias
assign-question = Se { $count ->
    [one] asignará una licencia
   *[other] asignarán { $count } licencias
} (licencia { $licence }, edición { $edition }) a:
key-link-top-candidate = enlazar: las filas marcadas con su mejor candidato
unresolved-bulk-skip-title = Descartar actividades
unresolved-bulk-skip = ¿Descartar { $what }?
unresolved-bulk-back = ¿Recuperar { $what }?
unresolved-bulk-skip-effect = Las actividades descartadas siguen abiertas en el CRM; s las recupera, u deshace esto.
unresolved-link-title = Enlazar con el mejor candidato
unresolved-link-question = Enlazar { $what } con el candidato mejor situado y cerrar { $count ->
    [one] la actividad
   *[other] { $count } actividades
} en el CRM:
unresolved-link-more = … y { $count } más
unresolved-link-without = { $count ->
    [one] { $count } no tiene candidato y sigue en la cola.
   *[other] { $count } no tienen candidato y siguen en la cola.
}
unresolved-none-with-candidate = No hay candidato que enlazar: busca en el CRM (/) o crea el contacto (c)
key-find-text = buscar: texto en los mensajes (resaltado)
key-find-next = siguiente: la siguiente línea con el texto buscado
key-find-previous = anterior: la línea anterior con el texto buscado
key-follow-newest = seguir: quedarse en la línea más nueva, o dejar de hacerlo
key-scroll-sideways = desplazar: los mensajes a los lados
key-keep-find = mantener el texto buscado
key-cancel-put-old-find = cancelar: vuelve el texto anterior
find-prompt = buscar:
log-find-first = Pulsa / para decir qué buscar
log-find-none = Ninguna línea visible tiene «{ $text }»
log-following = siguiendo
log-paused = en pausa (F sigue)
log-finding = «{ $text }» (n/N)
log-shifted = →{ $columns }
source-file-line = { $file }:{ $line }
source-default = valor por defecto
key-reset-to-file = restablecer: vuelve al valor del archivo de configuración
setting-resetting = { $question }: vuelve al valor del archivo de configuración…
setting-not-changed-here = { $question } no se cambió aquí: ya tiene el valor del archivo de configuración
resolved-title = { $count } resueltas últimamente · vista de resueltas (v)
resolved-empty = Aún no se ha resuelto nada.
resolved-read-only = La vista de resueltas solo muestra lo hecho: v vuelve a la cola
col-linked-to = Enlazada a
col-how = Cómo
col-resolved = Resuelta
key-unassign-seats = desasignar: quitar el usuario del CRM
seats-unassign-title = Desasignar licencias
seats-unassign-question = ¿Quitar el usuario del CRM de { $what } y desactivar su sincronización?
seats-unassign-effect = La licencia se conserva, con sus actividades; n vuelve a asignar un usuario del CRM.
seats-unassign-undecided = { $count ->
    [0] No hay actividades esperando a escribirse.
    [one] { $count } actividad aún no escrita en el CRM queda fuera para siempre en la próxima sincronización.
   *[other] { $count } actividades aún no escritas en el CRM quedan fuera para siempre en la próxima sincronización.
}
seats-unassign-queued = { $count ->
    [0] No hay escrituras en cola.
    [one] { $count } escritura ya en cola se envía igualmente al CRM como el titular.
   *[other] { $count } escrituras ya en cola se envían igualmente al CRM como el titular.
}
seats-unassigned = { $count ->
    [0] Ninguna licencia cambió: ninguna tenía usuario del CRM ni sincronización
    [one] { $count } licencia desasignada: sin usuario del CRM, sincronización desactivada
   *[other] { $count } licencias desasignadas: sin usuario del CRM, sincronización desactivada
}
## issue 21
health-ok = bien
health-degraded = degradado
health-failing = fallando
health-offline = sin conexión
health-why-synced = la última sincronización terminó sin errores
health-why-never-synced = conectado, aún no terminó ninguna sincronización
health-why-not-connected = sin conexión con el CRM
health-why-run-failed = la última sincronización falló
health-why-run-cancelled = la última sincronización se detuvo antes de terminar
health-why-writes-held = el CRM rechazó o pausó escrituras en la última sincronización
health-why-throttled = el CRM pidió ir más despacio
health-why-engine-unreachable = no se puede contactar con el motor
cli-field-health = salud
cli-health-check = navsync { $health }: { $reason }
header-health = sinc. { $health }
header-last-good-sync = última sinc. correcta { $ago }
cfg-allowed-retry-after-failure = usa un número seguido de s, m o h, de 1s a 1h (p. ej. "45s")
next-try-after-failure = { $when } (tras un fallo)
state-queued = en cola
state-open-in-crm = abierta en CRM
state-closed-in-crm = cerrada en CRM
state-refused = rechazada
state-refused-because = rechazada por el CRM: { $why }
key-pause-schedule = pausar/reanudar
schedule-pausing = Pausando la programación: solo empiezan las ejecuciones que pidas
schedule-resuming = Reanudando la programación
schedule-paused-next = en pausa (era { $when })
cli-schedule-paused = La programación está en pausa: no empieza ninguna ejecución hasta reanudarla (navsync sync --resume) o reiniciar el motor; las que pidas sí empiezan.
cli-schedule-resumed = La programación vuelve a funcionar; próxima ejecución { $next }.
cli-schedule-no-engine = No hay ningún navsync serve ni consola en marcha aquí: no hay programación que pausar o reanudar.
## issue 26
cfg-bad-tenant = { $answer } no es un inquilino: indica el id. de inquilino de Microsoft Entra (un GUID como 72f988bf-86f1-41af-91ab-2d7cd011db47) o su dominio (contoso.onmicrosoft.com), no una URL
cfg-bad-client = { $answer } no es un id. de aplicación (cliente): indica el GUID que aparece en la página Información general del registro de la aplicación, p. ej. 535fb089-9ff3-47b6-9bfb-4f1264799865
cli-field-api-budget = cuota de API
api-budget-line = quedan { $requests } solicitudes y { $seconds } s de tiempo de ejecución en la ventana de { $minutes } minutos ({ $at })
api-budget-unknown = ?
field-api-budget = Cuota de API
api-budget-short = quedan { $requests } solicitudes · { $seconds } s de ejecución en { $minutes } min
logs-none = aún no hay archivos de registro en { $dir }
logs-no-run = no hay ninguna ejecución { $run } en el historial de este directorio de datos (navsync status y la pestaña Sincronización numeran las ejecuciones)
doctor-line = [{ $verdict ->
    [ok] {" "}ok{" "}
    [info] info
    [warn] aviso
   *[fail] FALLO
}] { $text }
doctor-summary = { $fails ->
    [0] ningún problema
    [one] 1 problema
   *[other] { $fails } problemas
}, { $warns ->
    [0] ningún aviso
    [one] 1 aviso
   *[other] { $warns } avisos
}
doctor-version = navsync { $version }
doctor-missing = { $path } no existe
doctor-not-owner = { $path } pertenece al uid { $owner }, no a ti (uid { $me }): ejecuta navsync como ese usuario o cambia su propietario con chown
doctor-open = { $path } tiene el modo { $mode }: otros usuarios pueden leer lo que contiene; ejecuta chmod go= { $path }
doctor-private = { $path }: tuyo, modo { $mode }
doctor-no-socket = no hay socket del motor: ahora no hay ningún motor en este directorio de datos (los comandos inician el suyo)
doctor-engine-answers = el motor del socket responde
doctor-stale-socket = { $path } existe pero ningún motor responde en él (lo dejó un motor que se detuvo a la fuerza; el siguiente lo sustituye)
doctor-no-config = no hay archivo de configuración: ejecuta navsync init
doctor-device-code = inicio de sesión con código de dispositivo: no hay secreto de cliente que comprobar
doctor-secret-env = secreto de cliente: ${ $var } está definida
doctor-secret-env-unset = secreto de cliente: ${ $var } no está definida en este entorno, así que el inicio de sesión fallará; expórtala (con systemd, en el EnvironmentFile de la unidad)
doctor-secret-inline = secreto de cliente: escrito en el archivo de configuración (su modo se comprueba arriba)
doctor-no-token-cache = aún no hay caché de tokens (se escribe al primer inicio de sesión)
doctor-service = servicio { $unit }: { $state }
doctor-no-systemctl = no se encuentra systemctl: no se puede saber si el servicio está en marcha (no es un fallo)
doctor-systemctl-failed = no se puede consultar el servicio a systemctl ({ $error }); no es un fallo
doctor-no-instance = no hay URL de instancia en la configuración: nada que comprobar
doctor-reached = { $url } responde (HTTP { $status })
doctor-unreached = { $url } no responde: { $error }
doctor-clock-ok = reloj: a menos de { $skew } s del del CRM
doctor-clock-skewed = reloj: { $secs } s { $direction ->
    [ahead] adelantado respecto al
   *[behind] atrasado respecto al
} del CRM (cabecera Date); a partir de { $limit } s falla el inicio de sesión (tokens aún no válidos o ya caducados): ajusta la hora, p. ej. timedatectl set-ntp true
doctor-clock-unknown = reloj: el CRM no envió una cabecera Date utilizable, la desviación es desconocida
doctor-bundle-wrote = paquete de soporte escrito en { $path } (tar, modo 0600); sin secretos ni tokens
doctor-bundle-failed = no se puede escribir el paquete de soporte { $path }: { $error }
## issue 22
data-dir-not-dir = { $dir } no es un directorio: indica un directorio en `--data-dir`.
data-dir-foreign = el directorio de datos { $dir } pertenece al uid { $owner }, no al uid { $own } que ejecuta navsync: su dueño podría leer el almacén y tomar el control del motor. Usa un directorio de datos propio (`--data-dir`) o pide que te lo cedan (`chown`).
data-dir-writable = otros pueden escribir en el directorio de datos { $dir } (modo { $mode }): podrían sustituir el almacén, el bloqueo o el socket. Ejecuta `chmod 700 { $dir }` o usa otro `--data-dir`.
data-dir-io = no se puede crear el directorio de datos { $dir } ni hacerlo privado (modo 0700): { $error }
cfg-allowed-import-bytes = permitido: un número de bytes de 1024 a 17179869184 (16 GiB)
err-import-too-big = { $path } supera [writeback] max_import_bytes ({ $limit } bytes): la lectura se detuvo ahí y se importaron las líneas anteriores; divide el archivo o sube el límite
cli-import-stopped = importación detenida; las líneas enviadas antes se importaron, y volver a importar el archivo no duplica nada
cli-import-lost = se perdió el hilo de las respuestas del motor (se detuvo o se quedó atrás); las líneas enviadas antes se importaron, y volver a importar el archivo no duplica nada
cli-import-no-report = no se puede escribir el informe de líneas erróneas { $path }: { $error }
cli-import-more-bad = … y { $count } líneas erróneas más
cli-import-report = las { $count } líneas erróneas están en { $path }

## issue 26
# Pendientes: propietario y fecha de creación de un candidato; quién resolvió.
candidate-owner = propietario { $name }
candidate-created = creado el { $date }
col-resolved-by = Por
# Registro: w parte los mensajes en varias filas.
key-wrap-lines = partir: las líneas largas en varias filas, o en una
log-wrapped = partidas
log-wrapped-no-scroll = Las líneas están partidas: w pone cada una en una fila para desplazarla a los lados
## issue 21
health-why-sign-in-needed = falta iniciar sesión
health-next-sign-in-needed = Microsoft Entra ID no renueva el inicio de sesión (p. ej. ahora exige MFA): ejecuta `navsync connect` para volver a iniciar sesión
header-sign-in-needed = falta iniciar sesión (1, c: iniciarla)
error-title-sign-in-needed = Falta iniciar sesión
error-console-next-sign-in-needed = Microsoft Entra ID no renueva el inicio de sesión (p. ej. ahora exige MFA): vuelve a iniciar sesión (c).
phase-writes-refused = { $count ->
    [one] { $count } rechazada ({ $code })
   *[other] { $count } rechazadas ({ $code })
}
phase-writes-refused-no-code = { $count ->
    [one] { $count } rechazada
   *[other] { $count } rechazadas
}
wait-renewing = esperando { $waited }: renovando el inicio de sesión con Microsoft Entra ID
cli-renewing = esperando: renovando el inicio de sesión con Microsoft Entra ID

## the header without the last sync's date
header-synced-ago = sinc. { $ago }

## Problems and links said by the faces

problem-internal = navsync ha tenido un problema interno
problem-internal-next = Consulta el archivo de registro en el directorio de datos; reinicia navsync si se repite
problem-not-connected = No hay conexión con Microsoft Dynamics
problem-not-connected-next = Conéctate primero: pestaña Conexión, o `navsync connect`
problem-engine-gone = El motor de navsync ya no está
problem-engine-gone-next = Vuelve a iniciarlo (`systemctl restart navsync` o `navsync serve`); esta consola se vuelve a conectar sola.
link-attached = conectado al motor de navsync (pid { $pid })
link-reattached = De nuevo conectado al motor de navsync (pid { $pid }).
link-engine-not-running = El motor de navsync no está en marcha; no se ha enviado nada. Esta consola se vuelve a conectar cuando vuelva.
unassignable-disabled = el usuario está deshabilitado
unassignable-application-user = es un usuario de aplicación (de integración)
