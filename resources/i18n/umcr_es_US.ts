<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es_US">
<context>
    <name></name>
    <message>
        <source>Available</source>
        <translation>Disponible</translation>
    </message>
    <message>
        <source>Dispatched</source>
        <translation>Despachado</translation>
    </message>
    <message>
        <source>En route</source>
        <translation>En camino</translation>
    </message>
    <message>
        <source>On scene</source>
        <translation>En escena</translation>
    </message>
    <message>
        <source>Transporting</source>
        <translation>Transportando</translation>
    </message>
    <message>
        <source>Follow-up / documentation</source>
        <translation>Seguimiento / documentación</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>Fuera de servicio</translation>
    </message>
    <message>
        <source>Off duty</source>
        <translation>Fuera de turno</translation>
    </message>
    <message>
        <source>Mental-health crisis</source>
        <translation>Crisis de salud mental</translation>
    </message>
    <message>
        <source>Suicidal ideation (non-imminent)</source>
        <translation>Ideación suicida (no inminente)</translation>
    </message>
    <message>
        <source>Welfare check</source>
        <translation>Verificación de bienestar</translation>
    </message>
    <message>
        <source>Substance use / intoxicated person</source>
        <translation>Consumo de sustancias / persona intoxicada</translation>
    </message>
    <message>
        <source>Disturbance or conflict</source>
        <translation>Disturbio o conflicto</translation>
    </message>
    <message>
        <source>Person in distress / unhoused outreach</source>
        <translation>Persona en apuros / alcance a personas sin vivienda</translation>
    </message>
    <message>
        <source>Trespass</source>
        <translation>Intrusión en propiedad</translation>
    </message>
    <message>
        <source>Syringe disposal</source>
        <translation>Recolección de jeringas</translation>
    </message>
    <message>
        <source>Follow-up visit</source>
        <translation>Visita de seguimiento</translation>
    </message>
    <message>
        <source>Resolved on scene</source>
        <translation>Resuelto en escena</translation>
    </message>
    <message>
        <source>Referral made</source>
        <translation>Referido a servicios</translation>
    </message>
    <message>
        <source>Voluntary transport to a facility</source>
        <translation>Transporte voluntario a un centro</translation>
    </message>
    <message>
        <source>Warm handoff to a provider</source>
        <translation>Traspaso directo a un proveedor</translation>
    </message>
    <message>
        <source>Declined services</source>
        <translation>Rechazó los servicios</translation>
    </message>
    <message>
        <source>Unable to locate</source>
        <translation>No se pudo localizar</translation>
    </message>
    <message>
        <source>Redirected to LAPD</source>
        <translation>Redirigido a LAPD</translation>
    </message>
    <message>
        <source>Redirected to LAFD / EMS</source>
        <translation>Redirigido a LAFD / EMS</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Cancelado</translation>
    </message>
    <message>
        <source>Duplicate</source>
        <translation>Duplicado</translation>
    </message>
    <message>
        <source>Not sent: {why}.</source>
        <translation>No enviado: {why}.</translation>
    </message>
    <message>
        <source>Assign a team to {number}</source>
        <translation>Asignar un equipo a {number}</translation>
    </message>
    <message>
        <source>No team is available. Free a team, or keep the call pending and watch the queue.</source>
        <translation>No hay ningún equipo disponible. Libere un equipo, o deje la llamada pendiente y vigile la cola.</translation>
    </message>
    <message>
        <source>Choose a team.</source>
        <translation>Elija un equipo.</translation>
    </message>
    <message>
        <source>same division</source>
        <translation>misma división</translation>
    </message>
    <message>
        <source>Release a team from {number}</source>
        <translation>Liberar un equipo de {number}</translation>
    </message>
    <message>
        <source>why (optional)</source>
        <translation>motivo (opcional)</translation>
    </message>
    <message>
        <source>Team</source>
        <translation>Equipo</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>Motivo</translation>
    </message>
    <message>
        <source>No team holds this incident.</source>
        <translation>Ningún equipo tiene este incidente.</translation>
    </message>
    <message>
        <source>Redirect {number}</source>
        <translation>Redirigir {number}</translation>
    </message>
    <message>
        <source>reason (required)</source>
        <translation>motivo (obligatorio)</translation>
    </message>
    <message>
        <source>Agency</source>
        <translation>Agencia</translation>
    </message>
    <message>
        <source>A redirect needs a reason: it is a headline figure of the program.</source>
        <translation>Una redirección necesita un motivo: es una cifra principal del programa.</translation>
    </message>
    <message>
        <source>Close {number}</source>
        <translation>Cerrar {number}</translation>
    </message>
    <message>
        <source>closing note (optional)</source>
        <translation>nota de cierre (opcional)</translation>
    </message>
    <message>
        <source>Disposition</source>
        <translation>Resolución</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>what to follow up (optional)</source>
        <translation>qué hay que seguir (opcional)</translation>
    </message>
    <message>
        <source>provider that takes the person over</source>
        <translation>proveedor que se hace cargo de la persona</translation>
    </message>
    <message>
        <source>Due from</source>
        <translation>A partir de</translation>
    </message>
    <message>
        <source>Due by</source>
        <translation>Vence el</translation>
    </message>
    <message>
        <source>Follow-up</source>
        <translation>Seguimiento</translation>
    </message>
    <message>
        <source>Warm handoff to</source>
        <translation>Traspaso directo a</translation>
    </message>
    <message>
        <source>A warm handoff needs the provider it goes to.</source>
        <translation>Un traspaso directo necesita el proveedor que lo recibe.</translation>
    </message>
    <message>
        <source>The follow-up must be due by a time after its start, in the future.</source>
        <translation>El seguimiento debe vencer después de su inicio, en el futuro.</translation>
    </message>
    <message>
        <source>Plan {number} for later</source>
        <translation>Programar {number} para más tarde</translation>
    </message>
    <message>
        <source>no team held</source>
        <translation>sin equipo reservado</translation>
    </message>
    <message>
        <source>  (reserved)</source>
        <translation>  (reservado)</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Cuándo</translation>
    </message>
    <message>
        <source>Hold team</source>
        <translation>Reservar equipo</translation>
    </message>
    <message>
        <source>A held team takes other calls until {minutes} min before.</source>
        <translation>Un equipo reservado atiende otras llamadas hasta {minutes} min antes.</translation>
    </message>
    <message>
        <source>Choose a time in the future.</source>
        <translation>Elija una hora en el futuro.</translation>
    </message>
    <message>
        <source>Reopen {number}</source>
        <translation>Reabrir {number}</translation>
    </message>
    <message>
        <source>Say why the incident is reopened.</source>
        <translation>Diga por qué se reabre el incidente.</translation>
    </message>
    <message>
        <source>Set status of {team}</source>
        <translation>Cambiar el estado de {team}</translation>
    </message>
    <message>
        <source>what the team said (optional)</source>
        <translation>lo que dijo el equipo (opcional)</translation>
    </message>
    <message>
        <source>Now</source>
        <translation>Ahora</translation>
    </message>
    <message>
        <source>New status</source>
        <translation>Nuevo estado</translation>
    </message>
    <message>
        <source>Check-in of {team}</source>
        <translation>Control de seguridad de {team}</translation>
    </message>
    <message>
        <source>what the team said, e.g. &apos;all OK, 15 more minutes&apos;</source>
        <translation>lo que dijo el equipo, p. ej. &apos;todo bien, 15 minutos más&apos;</translation>
    </message>
    <message>
        <source>Team said</source>
        <translation>El equipo dijo</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>Prioridad</translation>
    </message>
    <message>
        <source>Call type</source>
        <translation>Tipo de llamada</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Origen</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Dirección</translation>
    </message>
    <message>
        <source>Latitude</source>
        <translation>Latitud</translation>
    </message>
    <message>
        <source>Longitude</source>
        <translation>Longitud</translation>
    </message>
    <message>
        <source>Division</source>
        <translation>División</translation>
    </message>
    <message>
        <source>Caller</source>
        <translation>Quien llama</translation>
    </message>
    <message>
        <source>Callback</source>
        <translation>Número para regresar la llamada</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Persona</translation>
    </message>
    <message>
        <source>Narrative</source>
        <translation>Narrativa</translation>
    </message>
    <message>
        <source>Weapons</source>
        <translation>Armas</translation>
    </message>
    <message>
        <source>Violence</source>
        <translation>Violencia</translation>
    </message>
    <message>
        <source>Medical</source>
        <translation>Médica</translation>
    </message>
    <message>
        <source>Crime</source>
        <translation>Crimen</translation>
    </message>
    <message>
        <source>you (not yet confirmed)</source>
        <translation>usted (aún sin confirmar)</translation>
    </message>
    <message>
        <source>a team</source>
        <translation>un equipo</translation>
    </message>
    <message>
        <source>event #{seq}</source>
        <translation>evento n.º {seq}</translation>
    </message>
    <message>
        <source>not yet confirmed by the server</source>
        <translation>aún sin confirmar por el servidor</translation>
    </message>
    <message>
        <source>{seq}, from workstation {workstation}</source>
        <translation>{seq}, desde la estación {workstation}</translation>
    </message>
    <message>
        <source>Safety</source>
        <translation>Seguridad</translation>
    </message>
    <message>
        <source>Changed by someone else while you were editing</source>
        <translation>Otra persona lo cambió mientras usted editaba</translation>
    </message>
    <message>
        <source>Save changes</source>
        <translation>Guardar cambios</translation>
    </message>
    <message>
        <source>Revert</source>
        <translation>Deshacer cambios</translation>
    </message>
    <message>
        <source>add a note and press Enter</source>
        <translation>escriba una nota y pulse Intro</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Detalles</translation>
    </message>
    <message>
        <source>Notes</source>
        <translation>Notas</translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation>Cronología</translation>
    </message>
    <message>
        <source>Assign team…</source>
        <translation>Asignar equipo…</translation>
    </message>
    <message>
        <source>Release…</source>
        <translation>Liberar…</translation>
    </message>
    <message>
        <source>Redirect…</source>
        <translation>Redirigir…</translation>
    </message>
    <message>
        <source>Close…</source>
        <translation>Cerrar…</translation>
    </message>
    <message>
        <source>Reopen…</source>
        <translation>Reabrir…</translation>
    </message>
    <message>
        <source>Flag it</source>
        <translation>Marcarlo</translation>
    </message>
    <message>
        <source>why it is no danger (needed)</source>
        <translation>por qué no hay peligro (obligatorio)</translation>
    </message>
    <message>
        <source>No danger: send as is</source>
        <translation>Sin peligro: enviar así</translation>
    </message>
    <message>
        <source>theirs: {value}</source>
        <translation>de la otra persona: {value}</translation>
    </message>
    <message>
        <source>yours: {value}</source>
        <translation>suyo: {value}</translation>
    </message>
    <message>
        <source>Take theirs</source>
        <translation>Tomar el de la otra persona</translation>
    </message>
    <message>
        <source>Keep yours</source>
        <translation>Mantener el suyo</translation>
    </message>
    <message>
        <source>from workstation {workstation}</source>
        <translation>desde la estación {workstation}</translation>
    </message>
    <message>
        <source>since received {elapsed}</source>
        <translation>desde la recepción {elapsed}</translation>
    </message>
    <message>
        <source>to dispatch {elapsed}</source>
        <translation>hasta el despacho {elapsed}</translation>
    </message>
    <message>
        <source>to on scene {elapsed}</source>
        <translation>hasta llegar a escena {elapsed}</translation>
    </message>
    <message>
        <source>on scene {elapsed}</source>
        <translation>en escena {elapsed}</translation>
    </message>
    <message>
        <source>Teams: {teams}</source>
        <translation>Equipos: {teams}</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguno</translation>
    </message>
    <message>
        <source>Choose theirs or yours for each field changed by someone else first.</source>
        <translation>Primero elija el valor de la otra persona o el suyo en cada campo que alguien más cambió.</translation>
    </message>
    <message>
        <source>Nothing changed.</source>
        <translation>No cambió nada.</translation>
    </message>
    <message>
        <source>{field} must be a number.</source>
        <translation>{field} debe ser un número.</translation>
    </message>
    <message>
        <source>Give both latitude and longitude, or neither.</source>
        <translation>Indique latitud y longitud, o ninguna de las dos.</translation>
    </message>
    <message>
        <source>Callback: digits, spaces, + ( ) - only; 7 to 25 characters.</source>
        <translation>Número para regresar la llamada: solo dígitos, espacios, + ( ) -; de 7 a 25 caracteres.</translation>
    </message>
    <message>
        <source>Location: {error}</source>
        <translation>Ubicación: {error}</translation>
    </message>
    <message>
        <source>⚠ This mentions {what}, and the call is not flagged for it. Flag it (then redirect if it is not for an unarmed team), or say why it is no danger.</source>
        <translation>⚠ Esto menciona {what}, y la llamada no está marcada por eso. Márquela (y rediríjala si no es para un equipo sin armas), o diga por qué no hay peligro.</translation>
    </message>
    <message>
        <source>say why it is no danger first</source>
        <translation>primero diga por qué no hay peligro</translation>
    </message>
    <message>
        <source>A note has at most {count} characters.</source>
        <translation>Una nota tiene como máximo {count} caracteres.</translation>
    </message>
    <message>
        <source>planned for {when}</source>
        <translation>programado para {when}</translation>
    </message>
    <message>
        <source>follow-up due by {when}</source>
        <translation>seguimiento antes de {when}</translation>
    </message>
    <message>
        <source>handoff to {provider} not yet accepted</source>
        <translation>traspaso a {provider} aún no aceptado</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(vacío)</translation>
    </message>
    <message>
        <source>(from coordinates)</source>
        <translation>(según las coordenadas)</translation>
    </message>
    <message>
        <source>Not known: save without a place</source>
        <translation>Se desconoce: guardar sin ubicación</translation>
    </message>
    <message>
        <source>weapons</source>
        <translation>armas</translation>
    </message>
    <message>
        <source>violence in progress</source>
        <translation>violencia en curso</translation>
    </message>
    <message>
        <source>a medical emergency</source>
        <translation>una emergencia médica</translation>
    </message>
    <message>
        <source>a crime in progress</source>
        <translation>un crimen en curso</translation>
    </message>
    <message>
        <source>LAPD 911 diversion</source>
        <translation>Desvío del 911 de LAPD</translation>
    </message>
    <message>
        <source>988 transfer</source>
        <translation>Transferencia del 988</translation>
    </message>
    <message>
        <source>Direct line</source>
        <translation>Línea directa</translation>
    </message>
    <message>
        <source>Police request</source>
        <translation>Solicitud de la policía</translation>
    </message>
    <message>
        <source>Team-initiated</source>
        <translation>Iniciada por el equipo</translation>
    </message>
    <message>
        <source>Scheduled follow-up</source>
        <translation>Seguimiento programado</translation>
    </message>
    <message>
        <source>1 urgent</source>
        <translation>1 urgente</translation>
    </message>
    <message>
        <source>2 high</source>
        <translation>2 alta</translation>
    </message>
    <message>
        <source>3 routine</source>
        <translation>3 rutina</translation>
    </message>
    <message>
        <source>medical emergency</source>
        <translation>emergencia médica</translation>
    </message>
    <message>
        <source>crime in progress</source>
        <translation>crimen en curso</translation>
    </message>
    <message>
        <source>Safety screen: </source>
        <translation>Evaluación de seguridad: </translation>
    </message>
    <message>
        <source>New call</source>
        <translation>Nueva llamada</translation>
    </message>
    <message>
        <source>street address or cross streets</source>
        <translation>dirección o calles que se cruzan</translation>
    </message>
    <message>
        <source>callback number</source>
        <translation>número para regresar la llamada</translation>
    </message>
    <message>
        <source>English</source>
        <translation>Inglés</translation>
    </message>
    <message>
        <source>who is the person in crisis; what helped before</source>
        <translation>quién es la persona en crisis; qué le ayudó antes</translation>
    </message>
    <message>
        <source>what the caller says; safety notes</source>
        <translation>lo que dice la persona que llama; notas de seguridad</translation>
    </message>
    <message>
        <source>&amp;Source</source>
        <translation>&amp;Origen</translation>
    </message>
    <message>
        <source>Call &amp;type</source>
        <translation>&amp;Tipo de llamada</translation>
    </message>
    <message>
        <source>&amp;Priority</source>
        <translation>&amp;Prioridad</translation>
    </message>
    <message>
        <source>&amp;Address</source>
        <translation>&amp;Dirección</translation>
    </message>
    <message>
        <source>Lat / l&amp;on</source>
        <translation>Lat / &amp;lon</translation>
    </message>
    <message>
        <source>&amp;Division</source>
        <translation>Divi&amp;sión</translation>
    </message>
    <message>
        <source>&amp;Caller</source>
        <translation>&amp;Quien llama</translation>
    </message>
    <message>
        <source>Call&amp;back</source>
        <translation>Número para &amp;regresar la llamada</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>P&amp;erson</source>
        <translation>P&amp;ersona</translation>
    </message>
    <message>
        <source>Safety screen: any of these means not for an unarmed team</source>
        <translation>Evaluación de seguridad: si contesta que sí a cualquiera, no es para un equipo sin armas</translation>
    </message>
    <message>
        <source>&amp;Weapons</source>
        <translation>¿Hay &amp;armas?</translation>
    </message>
    <message>
        <source>&amp;Violence in progress</source>
        <translation>¿Hay &amp;violencia en este momento?</translation>
    </message>
    <message>
        <source>&amp;Medical emergency</source>
        <translation>¿Alguien necesita atención &amp;médica de emergencia?</translation>
    </message>
    <message>
        <source>C&amp;rime in progress</source>
        <translation>¿Se está cometiendo un &amp;crimen ahora?</translation>
    </message>
    <message>
        <source>Redirect to LAPD</source>
        <translation>Redirigir a LAPD</translation>
    </message>
    <message>
        <source>Redirect to LAFD / EMS</source>
        <translation>Redirigir a LAFD / EMS</translation>
    </message>
    <message>
        <source>Keep for an unarmed team</source>
        <translation>Mantener para un equipo sin armas</translation>
    </message>
    <message>
        <source>reason (needed unless you follow the recommendation)</source>
        <translation>motivo (obligatorio si no sigue la recomendación)</translation>
    </message>
    <message>
        <source>Save call (Ctrl+Enter)</source>
        <translation>Guardar llamada (Ctrl+Intro)</translation>
    </message>
    <message>
        <source>Discard call</source>
        <translation>Descartar llamada</translation>
    </message>
    <message>
        <source>Keep as draft (Esc)</source>
        <translation>Guardar como borrador (Esc)</translation>
    </message>
    <message>
        <source>&amp;Narrative</source>
        <translation>&amp;Narrativa</translation>
    </message>
    <message>
        <source>Con&amp;firm: raise the safety screen</source>
        <translation>Con&amp;firmar: activar la evaluación de seguridad</translation>
    </message>
    <message>
        <source>why it is no danger (needed to clear)</source>
        <translation>por qué no hay peligro (obligatorio para descartar)</translation>
    </message>
    <message>
        <source>Clear: no dan&amp;ger</source>
        <translation>Descartar: no hay peli&amp;gro</translation>
    </message>
    <message>
        <source>Read as negated, not raised: </source>
        <translation>Leído como negación, no se activa: </translation>
    </message>
    <message>
        <source>⚠ The call mentions {what}.</source>
        <translation>⚠ La llamada menciona {what}.</translation>
    </message>
    <message>
        <source>Confirmed: the safety screen is raised.</source>
        <translation>Confirmado: la evaluación de seguridad está activada.</translation>
    </message>
    <message>
        <source>Cleared as no danger: {reason}</source>
        <translation>Descartado, sin peligro: {reason}</translation>
    </message>
    <message>
        <source>Confirm to raise the safety screen, or give the reason and clear it. The call is saved after one or the other.</source>
        <translation>Confirme para activar la evaluación de seguridad, o dé el motivo y descártela. La llamada se guarda después de una cosa o la otra.</translation>
    </message>
    <message>
        <source>say why these words are no danger, then clear</source>
        <translation>diga por qué estas palabras no indican peligro y luego descarte</translation>
    </message>
    <message>
        <source>New call — {division}</source>
        <translation>Nueva llamada — {division}</translation>
    </message>
    <message>
        <source>outside the city</source>
        <translation>fuera de la ciudad</translation>
    </message>
    <message>
        <source>Recommended: redirect to {agency}. To keep the call for an unarmed team, choose so and give the reason.</source>
        <translation>Recomendación: redirigir a {agency}. Para mantener la llamada para un equipo sin armas, elíjalo y dé el motivo.</translation>
    </message>
    <message>
        <source>{name} must be a number, for example {example}</source>
        <translation>{name} debe ser un número, por ejemplo {example}</translation>
    </message>
    <message>
        <source>{name} must be between {low} and {high}</source>
        <translation>{name} debe estar entre {low} y {high}</translation>
    </message>
    <message>
        <source>an address or cross streets is needed to send a team</source>
        <translation>se necesita una dirección o calles que se cruzan para enviar un equipo</translation>
    </message>
    <message>
        <source>at most 200 characters</source>
        <translation>como máximo 200 caracteres</translation>
    </message>
    <message>
        <source>latitude</source>
        <translation>la latitud</translation>
    </message>
    <message>
        <source>longitude</source>
        <translation>la longitud</translation>
    </message>
    <message>
        <source>give both latitude and longitude, or neither</source>
        <translation>indique latitud y longitud, o ninguna de las dos</translation>
    </message>
    <message>
        <source>this point is outside the City of Los Angeles</source>
        <translation>este punto está fuera de la Ciudad de Los Ángeles</translation>
    </message>
    <message>
        <source>⚠ This call cannot be placed: no coordinates and no division. Choose the division, click the map, or choose &quot;{unplaced}&quot;.</source>
        <translation>⚠ No se puede ubicar esta llamada: no tiene coordenadas ni división. Elija la división, haga clic en el mapa, o elija &quot;{unplaced}&quot;.</translation>
    </message>
    <message>
        <source>digits, spaces, + ( ) - only; 7 to 25 characters</source>
        <translation>solo dígitos, espacios, + ( ) -; de 7 a 25 caracteres</translation>
    </message>
    <message>
        <source>at most {count} characters; move detail to notes</source>
        <translation>como máximo {count} caracteres; pase los detalles a las notas</translation>
    </message>
    <message>
        <source>at most {count} characters</source>
        <translation>como máximo {count} caracteres</translation>
    </message>
    <message>
        <source>confirm or clear what the call mentions before saving</source>
        <translation>confirme o descarte lo que menciona la llamada antes de guardar</translation>
    </message>
    <message>
        <source>give the reason for this choice</source>
        <translation>dé el motivo de esta elección</translation>
    </message>
    <message>
        <source>Not saved: {why}.</source>
        <translation>No se guardó: {why}.</translation>
    </message>
    <message>
        <source>UMCR Dispatch: log in</source>
        <translation>Despacho UMCR: iniciar sesión</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Servidor</translation>
    </message>
    <message>
        <source>&amp;User</source>
        <translation>&amp;Usuario</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Contraseña</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Iniciar sesión</translation>
    </message>
    <message>
        <source>The server address starts with http:// or https://</source>
        <translation>La dirección del servidor empieza con http:// o https://</translation>
    </message>
    <message>
        <source>Enter your user name and password.</source>
        <translation>Escriba su nombre de usuario y su contraseña.</translation>
    </message>
    <message>
        <source>Logging in…</source>
        <translation>Iniciando sesión…</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Abiertas</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>Pendientes</translation>
    </message>
    <message>
        <source>Assigned</source>
        <translation>Asignadas</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Cerradas</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Todas</translation>
    </message>
    <message>
        <source>connecting…</source>
        <translation>conectando…</translation>
    </message>
    <message>
        <source>{unsent} queued to send, {pending} unconfirmed</source>
        <translation>{unsent} en cola para enviar, {pending} sin confirmar</translation>
    </message>
    <message>
        <source>, {rejected} rejected</source>
        <translation>, {rejected} rechazadas</translation>
    </message>
    <message>
        <source>clock offset ?</source>
        <translation>desfase del reloj ?</translation>
    </message>
    <message>
        <source>clock offset {seconds} s</source>
        <translation>desfase del reloj {seconds} s</translation>
    </message>
    <message>
        <source>UMCR Dispatch — {name}</source>
        <translation>Despacho UMCR — {name}</translation>
    </message>
    <message>
        <source>F2  command: D 123 PL-1 · OS PL-1 · CL 123 RES · F1 for all</source>
        <translation>F2  comando: D 123 PL-1 · OS PL-1 · CL 123 RES · F1 para ver todos</translation>
    </message>
    <message>
        <source>All divisions</source>
        <translation>Todas las divisiones</translation>
    </message>
    <message>
        <source>All providers</source>
        <translation>Todos los proveedores</translation>
    </message>
    <message>
        <source>Mine</source>
        <translation>Mías</translation>
    </message>
    <message>
        <source>search number, address, type</source>
        <translation>buscar número, dirección, tipo</translation>
    </message>
    <message>
        <source>Command</source>
        <translation>Comando</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Lugar</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Incidente</translation>
    </message>
    <message>
        <source>Teams</source>
        <translation>Equipos</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>Mapa</translation>
    </message>
    <message>
        <source>Notices</source>
        <translation>Avisos</translation>
    </message>
    <message>
        <source>Follow-ups</source>
        <translation>Seguimientos</translation>
    </message>
    <message>
        <source>The incident&apos;s history from the server</source>
        <translation>El historial del incidente desde el servidor</translation>
    </message>
    <message>
        <source>mine</source>
        <translation>mías</translation>
    </message>
    <message>
        <source>search &apos;{text}&apos;</source>
        <translation>búsqueda &apos;{text}&apos;</translation>
    </message>
    <message>
        <source>✗ Not sent: {why}. Nothing was saved.</source>
        <translation>✗ No enviado: {why}. No se guardó nada.</translation>
    </message>
    <message>
        <source>✗ NOT SAVED: {what}. {error}</source>
        <translation>✗ NO SE GUARDÓ: {what}. {error}</translation>
    </message>
    <message>
        <source>NOT SAVED: {what}. {error}</source>
        <translation>NO SE GUARDÓ: {what}. {error}</translation>
    </message>
    <message>
        <source>Saved: {what}</source>
        <translation>Guardado: {what}</translation>
    </message>
    <message>
        <source> — the call is hidden by the filter (Show all).</source>
        <translation> — el filtro oculta la llamada (Mostrar todas).</translation>
    </message>
    <message>
        <source>Select an incident first.</source>
        <translation>Primero seleccione un incidente.</translation>
    </message>
    <message>
        <source>Select a team first (F4).</source>
        <translation>Primero seleccione un equipo (F4).</translation>
    </message>
    <message>
        <source>✗ Not sent: the note names {named} and the call is not flagged for it; add it in the incident panel (Ctrl+T) to flag or clear it.</source>
        <translation>✗ No enviado: la nota menciona {named} y la llamada no está marcada por eso; agréguela en el panel del incidente (Ctrl+T) para marcarla o descartarla.</translation>
    </message>
    <message>
        <source> · last sync {time}</source>
        <translation> · última sincronización {time}</translation>
    </message>
    <message>
        <source>The audit log is for supervisors and admins.</source>
        <translation>El registro de auditoría es para supervisores y administradores.</translation>
    </message>
    <message>
        <source>Reports need the server: not connected.</source>
        <translation>Los informes necesitan el servidor: sin conexión.</translation>
    </message>
    <message>
        <source>The frequent locations</source>
        <translation>Los lugares frecuentes</translation>
    </message>
    <message>
        <source>{minutes} min</source>
        <translation>{minutes} min</translation>
    </message>
    <message>
        <source>{hours} h</source>
        <translation>{hours} h</translation>
    </message>
    <message>
        <source>{team} ({age} ago)</source>
        <translation>{team} (hace {age})</translation>
    </message>
    <message>
        <source>New call (intake); shows a kept draft again</source>
        <translation>Nueva llamada (recepción); vuelve a mostrar un borrador guardado</translation>
    </message>
    <message>
        <source>Command line</source>
        <translation>Línea de comandos</translation>
    </message>
    <message>
        <source>Call queue</source>
        <translation>Cola de llamadas</translation>
    </message>
    <message>
        <source>Team board</source>
        <translation>Tablero de equipos</translation>
    </message>
    <message>
        <source>Assign a team to the selected incident</source>
        <translation>Asignar un equipo al incidente seleccionado</translation>
    </message>
    <message>
        <source>Release a team from the selected incident</source>
        <translation>Liberar un equipo del incidente seleccionado</translation>
    </message>
    <message>
        <source>Redirect the selected incident to LAPD / LAFD</source>
        <translation>Redirigir el incidente seleccionado a LAPD / LAFD</translation>
    </message>
    <message>
        <source>Close the selected incident with a disposition</source>
        <translation>Cerrar el incidente seleccionado con una resolución</translation>
    </message>
    <message>
        <source>Reopen the selected incident</source>
        <translation>Reabrir el incidente seleccionado</translation>
    </message>
    <message>
        <source>Add a note to the selected incident</source>
        <translation>Agregar una nota al incidente seleccionado</translation>
    </message>
    <message>
        <source>Set the selected team&apos;s status</source>
        <translation>Cambiar el estado del equipo seleccionado</translation>
    </message>
    <message>
        <source>Safety check-in for the selected team</source>
        <translation>Control de seguridad del equipo seleccionado</translation>
    </message>
    <message>
        <source>Acknowledge the selected notice</source>
        <translation>Confirmar el aviso seleccionado</translation>
    </message>
    <message>
        <source>Switch dark / light theme</source>
        <translation>Cambiar tema oscuro / claro</translation>
    </message>
    <message>
        <source>Program report for any period</source>
        <translation>Informe del programa de cualquier período</translation>
    </message>
    <message>
        <source>This help</source>
        <translation>Esta ayuda</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Archivo</translation>
    </message>
    <message>
        <source>&amp;New call…</source>
        <translation>&amp;Nueva llamada…</translation>
    </message>
    <message>
        <source>&amp;Sign in again…</source>
        <translation>&amp;Iniciar sesión de nuevo…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>&amp;Incident</source>
        <translation>&amp;Incidente</translation>
    </message>
    <message>
        <source>&amp;Assign team…</source>
        <translation>&amp;Asignar equipo…</translation>
    </message>
    <message>
        <source>&amp;Release team…</source>
        <translation>&amp;Liberar equipo…</translation>
    </message>
    <message>
        <source>Re&amp;direct…</source>
        <translation>Re&amp;dirigir…</translation>
    </message>
    <message>
        <source>&amp;Close…</source>
        <translation>&amp;Cerrar…</translation>
    </message>
    <message>
        <source>Re&amp;open…</source>
        <translation>R&amp;eabrir…</translation>
    </message>
    <message>
        <source>Plan for &amp;later…</source>
        <translation>&amp;Programar para más tarde…</translation>
    </message>
    <message>
        <source>Add &amp;note</source>
        <translation>Agregar &amp;nota</translation>
    </message>
    <message>
        <source>Export &amp;EIDO…</source>
        <translation>E&amp;xportar EIDO…</translation>
    </message>
    <message>
        <source>&amp;Import EIDO…</source>
        <translation>&amp;Importar EIDO…</translation>
    </message>
    <message>
        <source>&amp;Team</source>
        <translation>&amp;Equipo</translation>
    </message>
    <message>
        <source>Set &amp;status…</source>
        <translation>Cambiar &amp;estado…</translation>
    </message>
    <message>
        <source>Safety &amp;check-in…</source>
        <translation>&amp;Control de seguridad…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ver</translation>
    </message>
    <message>
        <source>&amp;Command line</source>
        <translation>&amp;Línea de comandos</translation>
    </message>
    <message>
        <source>Call &amp;queue</source>
        <translation>&amp;Cola de llamadas</translation>
    </message>
    <message>
        <source>&amp;Team board</source>
        <translation>&amp;Tablero de equipos</translation>
    </message>
    <message>
        <source>Acknowledge notice</source>
        <translation>Confirmar aviso</translation>
    </message>
    <message>
        <source>&amp;Fit map to served area</source>
        <translation>&amp;Ajustar el mapa al área atendida</translation>
    </message>
    <message>
        <source>&amp;Reports</source>
        <translation>&amp;Reportes</translation>
    </message>
    <message>
        <source>&amp;Program report…</source>
        <translation>&amp;Informe del programa…</translation>
    </message>
    <message>
        <source>&amp;Expansion planner…</source>
        <translation>&amp;Planificador de expansión…</translation>
    </message>
    <message>
        <source>&amp;Audit log…</source>
        <translation>&amp;Registro de auditoría…</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>Ay&amp;uda</translation>
    </message>
    <message>
        <source>&amp;Keyboard and commands</source>
        <translation>&amp;Teclado y comandos</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;Acerca de</translation>
    </message>
    <message>
        <source>Keyboard and commands</source>
        <translation>Teclado y comandos</translation>
    </message>
    <message>
        <source>About UMCR Dispatch</source>
        <translation>Acerca de Despacho UMCR</translation>
    </message>
    <message>
        <source>Deployment: {name}</source>
        <translation>Despliegue: {name}</translation>
    </message>
    <message>
        <source>Map data: LAPD division boundaries and police station locations, City of Los Angeles open data (LA GeoHub); see resources/geo/SOURCES.md.</source>
        <translation>Datos del mapa: límites de las divisiones de LAPD y ubicación de las estaciones de policía, datos abiertos de la Ciudad de Los Ángeles (LA GeoHub); vea resources/geo/SOURCES.md.</translation>
    </message>
    <message>
        <source>Acknowledge (Ctrl+Shift+K)</source>
        <translation>Confirmar (Ctrl+Mayús+K)</translation>
    </message>
    <message>
        <source>No notices</source>
        <translation>Sin avisos</translation>
    </message>
    <message>
        <source>1 notice</source>
        <translation>1 aviso</translation>
    </message>
    <message>
        <source>{count} notices</source>
        <translation>{count} avisos</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Número</translation>
    </message>
    <message>
        <source>P</source>
        <translation>P</translation>
    </message>
    <message>
        <source>Location</source>
        <translation>Ubicación</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>Tiempo</translation>
    </message>
    <message>
        <source>In state</source>
        <translation>En el estado</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>pendiente</translation>
    </message>
    <message>
        <source>assigned</source>
        <translation>asignado</translation>
    </message>
    <message>
        <source>closed</source>
        <translation>cerrado</translation>
    </message>
    <message>
        <source>resolved on scene</source>
        <translation>resuelto en escena</translation>
    </message>
    <message>
        <source>referral made</source>
        <translation>referido a servicios</translation>
    </message>
    <message>
        <source>voluntary transport</source>
        <translation>transporte voluntario</translation>
    </message>
    <message>
        <source>warm handoff</source>
        <translation>traspaso directo</translation>
    </message>
    <message>
        <source>declined services</source>
        <translation>rechazó los servicios</translation>
    </message>
    <message>
        <source>unable to locate</source>
        <translation>no se pudo localizar</translation>
    </message>
    <message>
        <source>redirected lapd</source>
        <translation>redirigido a LAPD</translation>
    </message>
    <message>
        <source>redirected lafd</source>
        <translation>redirigido a LAFD</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>cancelado</translation>
    </message>
    <message>
        <source>duplicate</source>
        <translation>duplicado</translation>
    </message>
    <message>
        <source>Not yet confirmed by the server</source>
        <translation>Aún sin confirmar por el servidor</translation>
    </message>
    <message>
        <source>New in the queue</source>
        <translation>Nueva en la cola</translation>
    </message>
    <message>
        <source>Moved up in the queue</source>
        <translation>Subió en la cola</translation>
    </message>
    <message>
        <source>Moved down in the queue</source>
        <translation>Bajó en la cola</translation>
    </message>
    <message>
        <source>All calls shown</source>
        <translation>Se muestran todas las llamadas</translation>
    </message>
    <message>
        <source>{count} open</source>
        <translation>abiertas: {count}</translation>
    </message>
    <message>
        <source>{count} closed</source>
        <translation>cerradas: {count}</translation>
    </message>
    <message>
        <source>{counts} call hidden by the filter ({filter})</source>
        <translation>Oculta por el filtro ({filter}) — {counts}</translation>
    </message>
    <message>
        <source>{counts} calls hidden by the filter ({filter})</source>
        <translation>Ocultas por el filtro ({filter}) — {counts}</translation>
    </message>
    <message>
        <source> and </source>
        <translation> y </translation>
    </message>
    <message>
        <source>All service areas</source>
        <translation>Todas las áreas de servicio</translation>
    </message>
    <message>
        <source>Provider</source>
        <translation>Proveedor</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>In status</source>
        <translation>En el estado</translation>
    </message>
    <message>
        <source>Last check-in</source>
        <translation>Último control</translation>
    </message>
    <message>
        <source>Note: {note}</source>
        <translation>Nota: {note}</translation>
    </message>
    <message>
        <source>OVERDUE: {reason}</source>
        <translation>ATRASADO: {reason}</translation>
    </message>
    <message>
        <source>ESCALATED to the supervisors, not acknowledged</source>
        <translation>ESCALADO a los supervisores, sin confirmar</translation>
    </message>
    <message>
        <source>{reserved}; takes no other call from {time}</source>
        <translation>{reserved}; no toma otra llamada desde las {time}</translation>
    </message>
    <message>
        <source>a scheduled call</source>
        <translation>una llamada programada</translation>
    </message>
    <message>
        <source>reserved for {number} at {time}</source>
        <translation>reservado para {number} a las {time}</translation>
    </message>
    <message>
        <source> — OVERDUE</source>
        <translation> — ATRASADO</translation>
    </message>
    <message>
        <source> — ESCALATED</source>
        <translation> — ESCALADO</translation>
    </message>
    <message>
        <source>? not placed</source>
        <translation>? sin ubicar</translation>
    </message>
    <message>
        <source>UMCR wall — {name}</source>
        <translation>Pantalla mural UMCR — {name}</translation>
    </message>
    <message>
        <source>Calls today</source>
        <translation>Llamadas hoy</translation>
    </message>
    <message>
        <source>Pending now</source>
        <translation>Pendientes ahora</translation>
    </message>
    <message>
        <source>Response today (mean / median)</source>
        <translation>Respuesta hoy (media / mediana)</translation>
    </message>
    <message>
        <source>Redirected to police, this month</source>
        <translation>Redirigidas a la policía, este mes</translation>
    </message>
    <message>
        <source>Teams free now</source>
        <translation>Equipos libres ahora</translation>
    </message>
    <message>
        <source>hour of day (right: this hour)</source>
        <translation>hora del día (derecha: esta hora)</translation>
    </message>
    <message>
        <source>target</source>
        <translation>meta</translation>
    </message>
    <message>
        <source>minutes, received to on scene</source>
        <translation>minutos, de la recepción a la escena</translation>
    </message>
    <message>
        <source>Calls per hour, last 24 h</source>
        <translation>Llamadas por hora, últimas 24 h</translation>
    </message>
    <message>
        <source>Response time today</source>
        <translation>Tiempo de respuesta hoy</translation>
    </message>
    <message>
        <source>ESCALATED TO SUPERVISORS — </source>
        <translation>ESCALADO A LOS SUPERVISORES — </translation>
    </message>
    <message>
        <source>min · target {target} · {count} calls</source>
        <translation>min · meta {target} · {count} llamadas</translation>
    </message>
    <message>
        <source>target {target} min</source>
        <translation>meta {target} min</translation>
    </message>
    <message>
        <source>last 24 h</source>
        <translation>últimas 24 h</translation>
    </message>
    <message>
        <source>this month</source>
        <translation>este mes</translation>
    </message>
    <message>
        <source>of {count}</source>
        <translation>de {count}</translation>
    </message>
    <message>
        <source>start</source>
        <translation>el inicio</translation>
    </message>
    <message>
        <source>STALE since {since} — not live, reconnecting</source>
        <translation>DESACTUALIZADO desde {since} — sin datos en vivo, reconectando</translation>
    </message>
    <message>
        <source>map</source>
        <translation>mapa</translation>
    </message>
    <message>
        <source>charts</source>
        <translation>gráficas</translation>
    </message>
    <message>
        <source>📌 {page} pinned (P to rotate)</source>
        <translation>📌 {page} fijado (P para rotar)</translation>
    </message>
    <message>
        <source>{page} · P pins it</source>
        <translation>{page} · P lo fija</translation>
    </message>
</context>
</TS>
