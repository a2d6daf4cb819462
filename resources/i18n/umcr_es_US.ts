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
        <source>reserved for this call</source>
        <translation>reservado para esta llamada</translation>
    </message>
    <message>
        <source>same division</source>
        <translation>misma división</translation>
    </message>
    <message>
        <source>neighbouring division ({division})</source>
        <translation>división vecina ({division})</translation>
    </message>
    <message>
        <source>other division ({division})</source>
        <translation>otra división ({division})</translation>
    </message>
    <message>
        <source>{number} at {time}</source>
        <translation>{number} a las {time}</translation>
    </message>
    <message>
        <source> from last scene</source>
        <translation> desde la última escena</translation>
    </message>
    <message>
        <source>distance unknown</source>
        <translation>distancia desconocida</translation>
    </message>
    <message>
        <source>speaks {language}</source>
        <translation>habla {language}</translation>
    </message>
    <message>
        <source>no {language}</source>
        <translation>no habla {language}</translation>
    </message>
    <message>
        <source>1 call today</source>
        <translation>1 llamada hoy</translation>
    </message>
    <message>
        <source>{count} calls today</source>
        <translation>{count} llamadas hoy</translation>
    </message>
    <message>
        <source>reserved for {call}</source>
        <translation>reservado para {call}</translation>
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
        <source>Schedule a follow-up</source>
        <translation>Programar un seguimiento</translation>
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
        <source>Not planned: an ordinary call now</source>
        <translation>Sin programar: una llamada normal ahora</translation>
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
        <source>What</source>
        <translation>Qué</translation>
    </message>
    <message>
        <source>Division</source>
        <translation>División</translation>
    </message>
    <message>
        <source>what was done / who accepted (optional)</source>
        <translation>qué se hizo / quién aceptó (opcional)</translation>
    </message>
    <message>
        <source>Follow-up done</source>
        <translation>Seguimiento hecho</translation>
    </message>
    <message>
        <source>Handoff accepted</source>
        <translation>Traspaso aceptado</translation>
    </message>
    <message>
        <source>New incident</source>
        <translation>Nuevo incidente</translation>
    </message>
    <message>
        <source>Make the follow-up a new call, linked to the first</source>
        <translation>Convertir el seguimiento en una nueva llamada, vinculada a la primera</translation>
    </message>
    <message>
        <source>No follow-ups or handoffs open</source>
        <translation>No hay seguimientos ni traspasos abiertos</translation>
    </message>
    <message>
        <source>{count} open: {overdue} overdue, {due} due</source>
        <translation>{count} abiertos: {overdue} atrasados, {due} en plazo</translation>
    </message>
    <message>
        <source>handoff to {provider}</source>
        <translation>traspaso a {provider}</translation>
    </message>
    <message>
        <source>follow-up visit</source>
        <translation>visita de seguimiento</translation>
    </message>
    <message>
        <source>accept by {when}</source>
        <translation>aceptar antes de {when}</translation>
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
        <translation>Médico</translation>
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
        <source>Select a call in the queue</source>
        <translation>Seleccione una llamada en la cola</translation>
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
        <source>narrative</source>
        <translation>narrativa</translation>
    </message>
    <message>
        <source>person</source>
        <translation>persona</translation>
    </message>
    <message>
        <source>address</source>
        <translation>dirección</translation>
    </message>
    <message>
        <source>caller</source>
        <translation>quien llama</translation>
    </message>
    <message>
        <source>note</source>
        <translation>nota</translation>
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
        <source>violence</source>
        <translation>violencia</translation>
    </message>
    <message>
        <source>medical</source>
        <translation>médica</translation>
    </message>
    <message>
        <source>crime</source>
        <translation>crimen</translation>
    </message>
    <message>
        <source>redirected to {agency}</source>
        <translation>redirigido a {agency}</translation>
    </message>
    <message>
        <source>same address</source>
        <translation>misma dirección</translation>
    </message>
    <message>
        <source>{metres} m away</source>
        <translation>a {metres} m</translation>
    </message>
    <message>
        <source>{date}, until {until}</source>
        <translation>{date}, hasta {until}</translation>
    </message>
    <message>
        <source>Add caution note…</source>
        <translation>Agregar nota de precaución…</translation>
    </message>
    <message>
        <source>The place history from the server</source>
        <translation>El historial del lugar desde el servidor</translation>
    </message>
    <message>
        <source>Place history: enter an address or a point</source>
        <translation>Historial del lugar: escriba una dirección o marque un punto</translation>
    </message>
    <message>
        <source>server</source>
        <translation>servidor</translation>
    </message>
    <message>
        <source>this console only</source>
        <translation>solo esta consola</translation>
    </message>
    <message>
        <source>Place history: {count}{more} earlier call within {metres} m or at the same address, {months} months ({source})</source>
        <translation>Historial del lugar: {count}{more} llamada anterior a menos de {metres} m o en la misma dirección, {months} meses ({source})</translation>
    </message>
    <message>
        <source>Place history: {count}{more} earlier calls within {metres} m or at the same address, {months} months ({source})</source>
        <translation>Historial del lugar: {count}{more} llamadas anteriores a menos de {metres} m o en la misma dirección, {months} meses ({source})</translation>
    </message>
    <message>
        <source>CAUTION at this place: </source>
        <translation>PRECAUCIÓN en este lugar: </translation>
    </message>
    <message>
        <source>Caution note — {place}</source>
        <translation>Nota de precaución — {place}</translation>
    </message>
    <message>
        <source>what a team must know before arriving</source>
        <translation>lo que un equipo debe saber antes de llegar</translation>
    </message>
    <message>
        <source>&amp;Category</source>
        <translation>&amp;Categoría</translation>
    </message>
    <message>
        <source>&amp;Note</source>
        <translation>&amp;Nota</translation>
    </message>
    <message>
        <source>&amp;Expires</source>
        <translation>&amp;Vence</translation>
    </message>
    <message>
        <source>write what the note warns of</source>
        <translation>escriba de qué advierte la nota</translation>
    </message>
    <message>
        <source>the expiry must be in the future</source>
        <translation>el vencimiento debe ser en el futuro</translation>
    </message>
    <message>
        <source>Caution at this place:</source>
        <translation>Precaución en este lugar:</translation>
    </message>
    <message>
        <source>Place</source>
        <translation>Lugar</translation>
    </message>
    <message>
        <source>Calls</source>
        <translation>Llamadas</translation>
    </message>
    <message>
        <source>Redirected to police</source>
        <translation>Redirigidas a la policía</translation>
    </message>
    <message>
        <source>Providers</source>
        <translation>Proveedores</translation>
    </message>
    <message>
        <source>Last call</source>
        <translation>Última llamada</translation>
    </message>
    <message>
        <source>Animal</source>
        <translation>Animal</translation>
    </message>
    <message>
        <source>Weapon seen</source>
        <translation>Arma vista</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>Acceso</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Otro</translation>
    </message>
    <message>
        <source>Frequent locations</source>
        <translation>Lugares frecuentes</translation>
    </message>
    <message>
        <source>(two calls or more in the period)</source>
        <translation>(dos llamadas o más en el período)</translation>
    </message>
    <message>
        <source>Export frequent locations CSV…</source>
        <translation>Exportar lugares frecuentes a CSV…</translation>
    </message>
    <message>
        <source>Could not get frequent locations: {error}</source>
        <translation>No se pudieron obtener los lugares frecuentes: {error}</translation>
    </message>
    <message>
        <source>1 place</source>
        <translation>1 lugar</translation>
    </message>
    <message>
        <source>{count} places</source>
        <translation>{count} lugares</translation>
    </message>
    <message>
        <source>Export frequent locations</source>
        <translation>Exportar lugares frecuentes</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Archivos CSV (*.csv)</translation>
    </message>
    <message>
        <source>The frequent locations CSV export</source>
        <translation>La exportación CSV de lugares frecuentes</translation>
    </message>
    <message>
        <source>Could not export: {error}</source>
        <translation>No se pudo exportar: {error}</translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation>Guardado {path}</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>Todas las acciones</translation>
    </message>
    <message>
        <source>refused ({code}): {detail}</source>
        <translation>rechazado ({code}): {detail}</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Autor</translation>
    </message>
    <message>
        <source>Workstation</source>
        <translation>Estación</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Acción</translation>
    </message>
    <message>
        <source>Entity</source>
        <translation>Entidad</translation>
    </message>
    <message>
        <source>What changed</source>
        <translation>Qué cambió</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>Registro de auditoría</translation>
    </message>
    <message>
        <source>user name</source>
        <translation>nombre de usuario</translation>
    </message>
    <message>
        <source>U000123 or id</source>
        <translation>U000123 o id</translation>
    </message>
    <message>
        <source>Between</source>
        <translation>Entre</translation>
    </message>
    <message>
        <source>Search</source>
        <translation>Buscar</translation>
    </message>
    <message>
        <source>Load more</source>
        <translation>Cargar más</translation>
    </message>
    <message>
        <source>Incident</source>
        <translation>Incidente</translation>
    </message>
    <message>
        <source>and</source>
        <translation>y</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Cargando…</translation>
    </message>
    <message>
        <source>The audit log page</source>
        <translation>La página del registro de auditoría</translation>
    </message>
    <message>
        <source>Could not load the audit log: {error}</source>
        <translation>No se pudo cargar el registro de auditoría: {error}</translation>
    </message>
    <message>
        <source>1 row</source>
        <translation>1 fila</translation>
    </message>
    <message>
        <source>{count} rows</source>
        <translation>{count} filas</translation>
    </message>
    <message>
        <source> (more with Load more)</source>
        <translation> (más con Cargar más)</translation>
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
        <source>Export EIDO — {number}</source>
        <translation>Exportar EIDO — {number}</translation>
    </message>
    <message>
        <source>The document always carries the call type, location, priority, safety flags, teams and disposition. Personal and clinical details and notes go in only if you choose them here.</source>
        <translation>El documento siempre lleva el tipo de llamada, la ubicación, la prioridad, las marcas de seguridad, los equipos y la resolución. Los datos personales y clínicos y las notas van solo si usted los elige aquí.</translation>
    </message>
    <message>
        <source>Include &amp;personal and clinical details (caller, callback number, person in crisis, narrative, redirect reason)</source>
        <translation>Incluir datos &amp;personales y clínicos (quien llama, número para regresar la llamada, persona en crisis, narrativa, motivo de la redirección)</translation>
    </message>
    <message>
        <source>&amp;Notes to include:</source>
        <translation>&amp;Notas que incluir:</translation>
    </message>
    <message>
        <source>This incident has no notes.</source>
        <translation>Este incidente no tiene notas.</translation>
    </message>
    <message>
        <source>&amp;Save…</source>
        <translation>&amp;Guardar…</translation>
    </message>
    <message>
        <source>Save EIDO</source>
        <translation>Guardar EIDO</translation>
    </message>
    <message>
        <source>Could not save {path}: {error}. Choose another place.</source>
        <translation>No se pudo guardar {path}: {error}. Elija otro lugar.</translation>
    </message>
    <message>
        <source>Import EIDO — {file}</source>
        <translation>Importar EIDO — {file}</translation>
    </message>
    <message>
        <source>{call_type}, priority {priority}, at {place}.</source>
        <translation>{call_type}, prioridad {priority}, en {place}.</translation>
    </message>
    <message>
        <source>the given point</source>
        <translation>el punto indicado</translation>
    </message>
    <message>
        <source>Check these before saving the call:</source>
        <translation>Revise esto antes de guardar la llamada:</translation>
    </message>
    <message>
        <source>Everything mapped.</source>
        <translation>Todo se pudo asignar.</translation>
    </message>
    <message>
        <source>&amp;Open in intake</source>
        <translation>&amp;Abrir en recepción</translation>
    </message>
    <message>
        <source>This file cannot be imported as a call:</source>
        <translation>Este archivo no se puede importar como llamada:</translation>
    </message>
    <message>
        <source>Notes from the sender:</source>
        <translation>Notas de quien lo envió:</translation>
    </message>
    <message>
        <source>New call — imported from {source}</source>
        <translation>Nueva llamada — importada de {source}</translation>
    </message>
    <message>
        <source>an EIDO</source>
        <translation>un EIDO</translation>
    </message>
    <message>
        <source>Select an incident first.</source>
        <translation>Primero seleccione un incidente.</translation>
    </message>
    <message>
        <source>EIDO saved: {path}</source>
        <translation>EIDO guardado: {path}</translation>
    </message>
    <message>
        <source>Import EIDO</source>
        <translation>Importar EIDO</translation>
    </message>
    <message>
        <source>Save or discard the call being taken (Ctrl+N) before opening an imported one.</source>
        <translation>Guarde o descarte la llamada que está recibiendo (Ctrl+N) antes de abrir una importada.</translation>
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
        <source>Log in again</source>
        <translation>Iniciar sesión de nuevo</translation>
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
        <source>Fit served area</source>
        <translation>Ajustar al área atendida</translation>
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
        <source>Show calls in state</source>
        <translation>Mostrar llamadas en estado</translation>
    </message>
    <message>
        <source>Show calls in division</source>
        <translation>Mostrar llamadas de la división</translation>
    </message>
    <message>
        <source>Show calls of provider</source>
        <translation>Mostrar llamadas del proveedor</translation>
    </message>
    <message>
        <source>Search calls</source>
        <translation>Buscar llamadas</translation>
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
        <source>Team tiles</source>
        <translation>Fichas de equipos</translation>
    </message>
    <message>
        <source>Division map</source>
        <translation>Mapa de divisiones</translation>
    </message>
    <message>
        <source>Map: choose a division</source>
        <translation>Mapa: elegir una división</translation>
    </message>
    <message>
        <source>Map: choose a team</source>
        <translation>Mapa: elegir un equipo</translation>
    </message>
    <message>
        <source>Map; the Division and Team choosers below it work from the keyboard</source>
        <translation>Mapa; los selectores de División y Equipo debajo funcionan con el teclado</translation>
    </message>
    <message>
        <source>Arrow keys choose a team</source>
        <translation>Las flechas eligen un equipo</translation>
    </message>
    <message>
        <source>Up and Down arrows choose; type to jump to an entry</source>
        <translation>Flechas arriba y abajo eligen; escriba para saltar a una entrada</translation>
    </message>
    <message>
        <source>Arrow keys move between rows; Enter opens the row</source>
        <translation>Las flechas se mueven entre filas; Intro abre la fila</translation>
    </message>
    <message>
        <source>Left and Right arrows change the tab</source>
        <translation>Las flechas izquierda y derecha cambian de pestaña</translation>
    </message>
    <message>
        <source>Text field</source>
        <translation>Campo de texto</translation>
    </message>
    <message>
        <source>Space toggles</source>
        <translation>Espacio marca o desmarca</translation>
    </message>
    <message>
        <source>Space or Enter presses</source>
        <translation>Espacio o Intro lo pulsa</translation>
    </message>
    <message>
        <source>Use the arrow keys</source>
        <translation>Use las flechas</translation>
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
        <source>High contrast theme on / off</source>
        <translation>Tema de alto contraste sí / no</translation>
    </message>
    <message>
        <source>Text size: 1x, 1.25x, 1.5x, 2x</source>
        <translation>Tamaño del texto: 1x, 1.25x, 1.5x, 2x</translation>
    </message>
    <message>
        <source>Map: choose a division / a team (arrow keys or type)</source>
        <translation>Mapa: elegir una división / un equipo (flechas o escribiendo)</translation>
    </message>
    <message>
        <source>Next / previous control; Space presses, Enter confirms, Esc closes</source>
        <translation>Control siguiente / anterior; Espacio pulsa, Intro confirma, Esc cierra</translation>
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
        <source>1 call waiting</source>
        <translation>1 llamada en espera</translation>
    </message>
    <message>
        <source>{count} calls waiting</source>
        <translation>{count} llamadas en espera</translation>
    </message>
    <message>
        <source>1 alert not acknowledged</source>
        <translation>1 alerta sin confirmar</translation>
    </message>
    <message>
        <source>{count} alerts not acknowledged</source>
        <translation>{count} alertas sin confirmar</translation>
    </message>
    <message>
        <source>UMCR Dispatch — locked</source>
        <translation>Despacho UMCR — bloqueado</translation>
    </message>
    <message>
        <source>UMCR Dispatch is locked</source>
        <translation>Despacho UMCR está bloqueado</translation>
    </message>
    <message>
        <source>Signed in as {user}</source>
        <translation>Sesión iniciada como {user}</translation>
    </message>
    <message>
        <source>password</source>
        <translation>contraseña</translation>
    </message>
    <message>
        <source>&amp;Sign in</source>
        <translation>&amp;Iniciar sesión</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Salir</translation>
    </message>
    <message>
        <source>Calls keep syncing while the console is locked. Your windows and typed forms come back when you sign in.</source>
        <translation>Las llamadas se siguen sincronizando mientras la consola está bloqueada. Sus ventanas y formularios escritos vuelven cuando inicie sesión.</translation>
    </message>
    <message>
        <source>Wrong password for {user}. 1 more try before a {minutes}-minute wait.</source>
        <translation>Contraseña incorrecta para {user}. Queda 1 intento antes de una espera de {minutes} minutos.</translation>
    </message>
    <message>
        <source>Wrong password for {user}. {left} more tries before a {minutes}-minute wait.</source>
        <translation>Contraseña incorrecta para {user}. Quedan {left} intentos antes de una espera de {minutes} minutos.</translation>
    </message>
    <message>
        <source>You can try your password again.</source>
        <translation>Puede volver a intentar su contraseña.</translation>
    </message>
    <message>
        <source>{tries} wrong passwords: the console stays locked. Try again in {minutes} min. Calls keep syncing and nothing typed is lost.</source>
        <translation>{tries} contraseñas incorrectas: la consola sigue bloqueada. Vuelva a intentarlo en {minutes} min. Las llamadas se siguen sincronizando y no se pierde nada de lo escrito.</translation>
    </message>
    <message>
        <source>&amp;Quit anyway</source>
        <translation>&amp;Salir de todos modos</translation>
    </message>
    <message>
        <source>A new-call form has unsaved input: quitting loses it. Queued actions are kept and sent at the next start. Sign in to keep the form.</source>
        <translation>Un formulario de nueva llamada tiene datos sin guardar: si sale, se pierden. Las acciones en cola se guardan y se envían en el próximo inicio. Inicie sesión para conservar el formulario.</translation>
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
        <source>&amp;High contrast</source>
        <translation>&amp;Alto contraste</translation>
    </message>
    <message>
        <source>Te&amp;xt size</source>
        <translation>Tamaño del te&amp;xto</translation>
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
        <source>Show all</source>
        <translation>Mostrar todas</translation>
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
        <source>Table</source>
        <translation>Tabla</translation>
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
        <source>incident created</source>
        <translation>incidente creado</translation>
    </message>
    <message>
        <source>incident updated</source>
        <translation>incidente actualizado</translation>
    </message>
    <message>
        <source>incident note added</source>
        <translation>nota agregada al incidente</translation>
    </message>
    <message>
        <source>incident team assigned</source>
        <translation>equipo asignado al incidente</translation>
    </message>
    <message>
        <source>incident team released</source>
        <translation>equipo liberado del incidente</translation>
    </message>
    <message>
        <source>incident redirected</source>
        <translation>incidente redirigido</translation>
    </message>
    <message>
        <source>incident closed</source>
        <translation>incidente cerrado</translation>
    </message>
    <message>
        <source>incident reopened</source>
        <translation>incidente reabierto</translation>
    </message>
    <message>
        <source>team status changed</source>
        <translation>estado del equipo cambiado</translation>
    </message>
    <message>
        <source>team checked in</source>
        <translation>control del equipo registrado</translation>
    </message>
    <message>
        <source>team created</source>
        <translation>equipo creado</translation>
    </message>
    <message>
        <source>team alert escalated</source>
        <translation>alerta del equipo escalada</translation>
    </message>
    <message>
        <source>team alert acknowledged</source>
        <translation>alerta del equipo confirmada</translation>
    </message>
    <message>
        <source>incident follow up scheduled</source>
        <translation>seguimiento del incidente programado</translation>
    </message>
    <message>
        <source>incident follow up done</source>
        <translation>seguimiento del incidente hecho</translation>
    </message>
    <message>
        <source>incident handoff requested</source>
        <translation>traspaso del incidente solicitado</translation>
    </message>
    <message>
        <source>incident handoff accepted</source>
        <translation>traspaso del incidente aceptado</translation>
    </message>
    <message>
        <source>incident scheduled</source>
        <translation>incidente programado</translation>
    </message>
    <message>
        <source>incident caution added</source>
        <translation>precaución agregada al incidente</translation>
    </message>
    <message>
        <source>team help requested</source>
        <translation>el equipo pidió ayuda</translation>
    </message>
    <message>
        <source>team help acknowledged</source>
        <translation>pedido de ayuda del equipo confirmado</translation>
    </message>
    <message>
        <source>alert acknowledged</source>
        <translation>alerta confirmada</translation>
    </message>
    <message>
        <source>alert escalated</source>
        <translation>alerta escalada</translation>
    </message>
    <message>
        <source>caution added</source>
        <translation>precaución agregada</translation>
    </message>
    <message>
        <source>checked in</source>
        <translation>control registrado</translation>
    </message>
    <message>
        <source>created</source>
        <translation>creado</translation>
    </message>
    <message>
        <source>follow up done</source>
        <translation>seguimiento hecho</translation>
    </message>
    <message>
        <source>follow up scheduled</source>
        <translation>seguimiento programado</translation>
    </message>
    <message>
        <source>handoff accepted</source>
        <translation>traspaso aceptado</translation>
    </message>
    <message>
        <source>handoff requested</source>
        <translation>traspaso solicitado</translation>
    </message>
    <message>
        <source>help acknowledged</source>
        <translation>ayuda confirmada</translation>
    </message>
    <message>
        <source>help requested</source>
        <translation>pidió ayuda</translation>
    </message>
    <message>
        <source>note added</source>
        <translation>nota agregada</translation>
    </message>
    <message>
        <source>redirected</source>
        <translation>redirigido</translation>
    </message>
    <message>
        <source>reopened</source>
        <translation>reabierto</translation>
    </message>
    <message>
        <source>scheduled</source>
        <translation>programado</translation>
    </message>
    <message>
        <source>status changed</source>
        <translation>estado cambiado</translation>
    </message>
    <message>
        <source>team assigned</source>
        <translation>equipo asignado</translation>
    </message>
    <message>
        <source>team released</source>
        <translation>equipo liberado</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>actualizado</translation>
    </message>
    <message>
        <source>available</source>
        <translation>disponible</translation>
    </message>
    <message>
        <source>dispatched</source>
        <translation>despachado</translation>
    </message>
    <message>
        <source>en route</source>
        <translation>en camino</translation>
    </message>
    <message>
        <source>on scene</source>
        <translation>en escena</translation>
    </message>
    <message>
        <source>transporting</source>
        <translation>transportando</translation>
    </message>
    <message>
        <source>follow up</source>
        <translation>seguimiento</translation>
    </message>
    <message>
        <source>out of service</source>
        <translation>fuera de servicio</translation>
    </message>
    <message>
        <source>off duty</source>
        <translation>fuera de turno</translation>
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
    <message>
        <source>upcoming</source>
        <translation>próximo</translation>
    </message>
    <message>
        <source>due</source>
        <translation>en plazo</translation>
    </message>
    <message>
        <source>OVERDUE</source>
        <translation>ATRASADO</translation>
    </message>
    <message>
        <source> — acknowledge when handled</source>
        <translation> — confirme cuando esté atendido</translation>
    </message>
    <message>
        <source> — supervisors notified</source>
        <translation> — supervisores avisados</translation>
    </message>
    <message>
        <source> — acknowledge to tell the team</source>
        <translation> — confirme para avisar al equipo</translation>
    </message>
    <message>
        <source>ESCALATED to supervisors (not acknowledged): {alert}</source>
        <translation>ESCALADO a los supervisores (sin confirmar): {alert}</translation>
    </message>
    <message>
        <source>{what} failed: {error}</source>
        <translation>{what} falló: {error}</translation>
    </message>
    <message>
        <source>Unexpected error</source>
        <translation>Error inesperado</translation>
    </message>
    <message>
        <source>The console keeps running and nothing you saved is lost. The details are in the log; please tell your supervisor what you were doing.</source>
        <translation>La consola sigue funcionando y no se pierde nada de lo que guardó. Los detalles están en el registro; por favor, dígale a su supervisor qué estaba haciendo.</translation>
    </message>
    <message>
        <source>Reading the field teams&apos; positions</source>
        <translation>Leyendo las posiciones de los equipos en campo</translation>
    </message>
    <message>
        <source>3 × 8 h (07, 15, 23)</source>
        <translation>3 × 8 h (07, 15, 23)</translation>
    </message>
    <message>
        <source>2 × 12 h (07, 19)</source>
        <translation>2 × 12 h (07, 19)</translation>
    </message>
    <message>
        <source>24 h</source>
        <translation>24 h</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Últimas 24 horas</translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation>Últimos 7 días</translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation>Últimos 30 días</translation>
    </message>
    <message>
        <source>All loaded</source>
        <translation>Todo lo cargado</translation>
    </message>
    <message>
        <source>Area</source>
        <translation>Área</translation>
    </message>
    <message>
        <source>Divisions</source>
        <translation>Divisiones</translation>
    </message>
    <message>
        <source>Shift</source>
        <translation>Turno</translation>
    </message>
    <message>
        <source>Calls/day</source>
        <translation>Llamadas/día</translation>
    </message>
    <message>
        <source>Utilisation</source>
        <translation>Utilización</translation>
    </message>
    <message>
        <source>P(wait)</source>
        <translation>P(espera)</translation>
    </message>
    <message>
        <source>Wait, min</source>
        <translation>Espera, min</translation>
    </message>
    <message>
        <source>Response, min</source>
        <translation>Respuesta, min</translation>
    </message>
    <message>
        <source>90% resp., min</source>
        <translation>90% resp., min</translation>
    </message>
    <message>
        <source>Cost/year</source>
        <translation>Costo/año</translation>
    </message>
    <message>
        <source>unstable</source>
        <translation>inestable</translation>
    </message>
    <message>
        <source>Expansion planner</source>
        <translation>Planificador de expansión</translation>
    </message>
    <message>
        <source>Custom (click the map)</source>
        <translation>Personalizado (haga clic en el mapa)</translation>
    </message>
    <message>
        <source>Scenario: pilot&apos;s calls per division</source>
        <translation>Escenario: llamadas del piloto por división</translation>
    </message>
    <message>
        <source>History: this console&apos;s calls</source>
        <translation>Historial: llamadas de esta consola</translation>
    </message>
    <message>
        <source>Mean response ≤</source>
        <translation>Respuesta media ≤</translation>
    </message>
    <message>
        <source>Share of calls waiting ≤</source>
        <translation>Proporción de llamadas en espera ≤</translation>
    </message>
    <message>
        <source>90% of responses ≤</source>
        <translation>90% de las respuestas ≤</translation>
    </message>
    <message>
        <source>Per team on duty per hour, all costs in. Default: the pilot&apos;s contracts, $11.3M for six teams around the clock (see docs/planning.md).</source>
        <translation>Por equipo de turno por hora, con todos los costos. Predeterminado: los contratos del piloto, $11.3M por seis equipos las 24 horas (vea docs/planning.md).</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation>Exportar CSV…</translation>
    </message>
    <message>
        <source>teams on duty in the area</source>
        <translation>equipos de turno en el área</translation>
    </message>
    <message>
        <source>mean response (min)</source>
        <translation>respuesta media (min)</translation>
    </message>
    <message>
        <source>Demand</source>
        <translation>Demanda</translation>
    </message>
    <message>
        <source>History period</source>
        <translation>Período del historial</translation>
    </message>
    <message>
        <source>Demand scale</source>
        <translation>Escala de la demanda</translation>
    </message>
    <message>
        <source>Shifts</source>
        <translation>Turnos</translation>
    </message>
    <message>
        <source>Cost per team-hour</source>
        <translation>Costo por hora de equipo</translation>
    </message>
    <message>
        <source>Chart for the shift</source>
        <translation>Gráfica del turno</translation>
    </message>
    <message>
        <source>History: {calls} calls needing a team in {days} days</source>
        <translation>Historial: {calls} llamadas que necesitan un equipo en {days} días</translation>
    </message>
    <message>
        <source>Choose at least one division (a set, or click the map).</source>
        <translation>Elija al menos una división (un conjunto, o haga clic en el mapa).</translation>
    </message>
    <message>
        <source>target missed</source>
        <translation>meta no alcanzada</translation>
    </message>
    <message>
        <source>All areas</source>
        <translation>Todas las áreas</translation>
    </message>
    <message>
        <source>all shifts</source>
        <translation>todos los turnos</translation>
    </message>
    <message>
        <source>target out of reach somewhere</source>
        <translation>meta inalcanzable en algún lugar</translation>
    </message>
    <message>
        <source>this console&apos;s incidents</source>
        <translation>los incidentes de esta consola</translation>
    </message>
    <message>
        <source>the pilot&apos;s calls per division</source>
        <translation>las llamadas del piloto por división</translation>
    </message>
    <message>
        <source>Target out of reach in some shifts.</source>
        <translation>Meta inalcanzable en algunos turnos.</translation>
    </message>
    <message>
        <source>&lt;b&gt;{divisions} divisions&lt;/b&gt; in {areas} service areas · {calls} calls a day needing a team ({source}) · target: {target}</source>
        <translation>&lt;b&gt;{divisions} divisiones&lt;/b&gt; en {areas} áreas de servicio · {calls} llamadas al día que necesitan un equipo ({source}) · meta: {target}</translation>
    </message>
    <message>
        <source>&lt;b&gt;{teams} teams on duty&lt;/b&gt; on average ({hours} team-hours a year) · &lt;b&gt;{cost} a year&lt;/b&gt; at {rate} per team-hour ({share} of the city&apos;s $40M citywide estimate).</source>
        <translation>&lt;b&gt;{teams} equipos de turno&lt;/b&gt; en promedio ({hours} horas de equipo al año) · &lt;b&gt;{cost} al año&lt;/b&gt; a {rate} por hora de equipo ({share} del estimado de $40M de la ciudad).</translation>
    </message>
    <message>
        <source>Mean response vs teams on duty, {shift} (big dots: the plan)</source>
        <translation>Respuesta media según equipos de turno, {shift} (puntos grandes: el plan)</translation>
    </message>
    <message>
        <source>Export the plan as CSV</source>
        <translation>Exportar el plan a CSV</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>Hoy</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>Este mes</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>Este año</translation>
    </message>
    <message>
        <source>Last 365 days</source>
        <translation>Últimos 365 días</translation>
    </message>
    <message>
        <source>Custom</source>
        <translation>Personalizado</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Grupo</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nombre</translation>
    </message>
    <message>
        <source>Handled</source>
        <translation>Atendidas</translation>
    </message>
    <message>
        <source>Redirected</source>
        <translation>Redirigidas</translation>
    </message>
    <message>
        <source>Redirect %</source>
        <translation>% redirigidas</translation>
    </message>
    <message>
        <source>Response mean</source>
        <translation>Respuesta media</translation>
    </message>
    <message>
        <source>median</source>
        <translation>mediana</translation>
    </message>
    <message>
        <source>p90</source>
        <translation>p90</translation>
    </message>
    <message>
        <source>On scene mean</source>
        <translation>Media en escena</translation>
    </message>
    <message>
        <source>Interventions</source>
        <translation>Intervenciones</translation>
    </message>
    <message>
        <source>Cost avoided $</source>
        <translation>Costo evitado $</translation>
    </message>
    <message>
        <source>done</source>
        <translation>hechos</translation>
    </message>
    <message>
        <source>Program report</source>
        <translation>Informe del programa</translation>
    </message>
    <message>
        <source>Run report</source>
        <translation>Generar informe</translation>
    </message>
    <message>
        <source>Calls by division</source>
        <translation>Llamadas por división</translation>
    </message>
    <message>
        <source>Mean response by division (min)</source>
        <translation>Respuesta media por división (min)</translation>
    </message>
    <message>
        <source>Period</source>
        <translation>Período</translation>
    </message>
    <message>
        <source>unarmed</source>
        <translation>sin armas</translation>
    </message>
    <message>
        <source>Cost per intervention, unarmed</source>
        <translation>Costo por intervención, sin armas</translation>
    </message>
    <message>
        <source>police</source>
        <translation>policía</translation>
    </message>
    <message>
        <source>Cost per intervention, police</source>
        <translation>Costo por intervención, policía</translation>
    </message>
    <message>
        <source>Cost per intervention</source>
        <translation>Costo por intervención</translation>
    </message>
    <message>
        <source>The period ends before it starts.</source>
        <translation>El período termina antes de empezar.</translation>
    </message>
    <message>
        <source>The program report</source>
        <translation>El informe del programa</translation>
    </message>
    <message>
        <source>Could not get the report: {error}</source>
        <translation>No se pudo obtener el informe: {error}</translation>
    </message>
    <message>
        <source>Done in {seconds} s (as of event {seq}).</source>
        <translation>Listo en {seconds} s (hasta el evento {seq}).</translation>
    </message>
    <message>
        <source>Computing… {seconds} s</source>
        <translation>Calculando… {seconds} s</translation>
    </message>
    <message>
        <source>{calls} calls, {handled} handled, {rate} redirected to police or fire · mean response {mean} min (target {target}) · {interventions} interventions: {unarmed} instead of {police}, {avoided} avoided · follow-ups {done} done of {scheduled} scheduled</source>
        <translation>{calls} llamadas, {handled} atendidas, {rate} redirigidas a la policía o a los bomberos · respuesta media {mean} min (meta {target}) · {interventions} intervenciones: {unarmed} en lugar de {police}, {avoided} evitados · seguimientos: {done} hechos de {scheduled} programados</translation>
    </message>
    <message>
        <source>total</source>
        <translation>total</translation>
    </message>
    <message>
        <source>all</source>
        <translation>todo</translation>
    </message>
    <message>
        <source>division</source>
        <translation>división</translation>
    </message>
    <message>
        <source>provider</source>
        <translation>proveedor</translation>
    </message>
    <message>
        <source>call type</source>
        <translation>tipo de llamada</translation>
    </message>
    <message>
        <source>Export report as CSV</source>
        <translation>Exportar el informe a CSV</translation>
    </message>
    <message>
        <source>The report&apos;s CSV export</source>
        <translation>La exportación CSV del informe</translation>
    </message>
    <message>
        <source>{number} ({division}) waiting {elapsed} with no team</source>
        <translation>{number} ({division}) esperando {elapsed} sin equipo</translation>
    </message>
    <message>
        <source>no division</source>
        <translation>sin división</translation>
    </message>
    <message>
        <source>ESCALATED: {team} ({status}, {division}) overdue since {time}, not acknowledged</source>
        <translation>ESCALADO: {team} ({status}, {division}) atrasado desde las {time}, sin confirmar</translation>
    </message>
    <message>
        <source> on {number}</source>
        <translation> en {number}</translation>
    </message>
    <message>
        <source> at {address}</source>
        <translation> en {address}</translation>
    </message>
    <message>
        <source>; last position {lat}, {lon} at {time}</source>
        <translation>; última posición {lat}, {lon} a las {time}</translation>
    </message>
    <message>
        <source>HELP NOW: {team} ({division}){where} at {time}</source>
        <translation>AYUDA YA: {team} ({division}){where} a las {time}</translation>
    </message>
    <message>
        <source>Every division has a free team.</source>
        <translation>Todas las divisiones tienen un equipo libre.</translation>
    </message>
    <message>
        <source>NO free team for {divisions}</source>
        <translation>NINGÚN equipo libre para {divisions}</translation>
    </message>
    <message>
        <source>covered from a neighbour only: {divisions}</source>
        <translation>cubierto solo desde una vecina: {divisions}</translation>
    </message>
    <message>
        <source>{team}: no check-in since {time}</source>
        <translation>{team}: sin control desde las {time}</translation>
    </message>
    <message>
        <source>{team}: {status} over {minutes} min</source>
        <translation>{team}: {status} más de {minutes} min</translation>
    </message>
    <message>
        <source>Wrong user name or password.</source>
        <translation>Nombre de usuario o contraseña incorrectos.</translation>
    </message>
    <message>
        <source>This account is disabled. Ask an administrator.</source>
        <translation>Esta cuenta está desactivada. Consulte a un administrador.</translation>
    </message>
    <message>
        <source>The server answered {status}.</source>
        <translation>El servidor respondió {status}.</translation>
    </message>
    <message>
        <source>The server cannot be reached ({error}). Only a user who has logged in on this workstation before can start offline.</source>
        <translation>No se puede conectar con el servidor ({error}). Solo un usuario que ya inició sesión en esta estación puede empezar sin conexión.</translation>
    </message>
    <message>
        <source>offline (logged in on this workstation)</source>
        <translation>sin conexión (sesión iniciada en esta estación)</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>conectando</translation>
    </message>
    <message>
        <source>online</source>
        <translation>en línea</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>sin conexión</translation>
    </message>
    <message>
        <source>log in again</source>
        <translation>inicie sesión de nuevo</translation>
    </message>
    <message>
        <source>offline since {time}</source>
        <translation>sin conexión desde las {time}</translation>
    </message>
    <message>
        <source>sending {done}/{total}</source>
        <translation>enviando {done}/{total}</translation>
    </message>
    <message>
        <source>{count} queued</source>
        <translation>{count} en cola</translation>
    </message>
    <message>
        <source>{count} rejected</source>
        <translation>{count} rechazadas</translation>
    </message>
    <message>
        <source>dispatch: assign the team to the incident</source>
        <translation>despachar: asignar el equipo al incidente</translation>
    </message>
    <message>
        <source>release the team from the incident</source>
        <translation>liberar el equipo del incidente</translation>
    </message>
    <message>
        <source>set the team {status}</source>
        <translation>poner al equipo en «{status}»</translation>
    </message>
    <message>
        <source>safety check-in on the team&apos;s behalf</source>
        <translation>control de seguridad en nombre del equipo</translation>
    </message>
    <message>
        <source>close; codes: {codes}</source>
        <translation>cerrar; códigos: {codes}</translation>
    </message>
    <message>
        <source>redirect to police or fire with a reason</source>
        <translation>redirigir a la policía o a los bomberos con un motivo</translation>
    </message>
    <message>
        <source>reopen a closed incident</source>
        <translation>reabrir un incidente cerrado</translation>
    </message>
    <message>
        <source>add a note</source>
        <translation>agregar una nota</translation>
    </message>
    <message>
        <source>an incident number, U000123 or just 123</source>
        <translation>un número de incidente, U000123 o solo 123</translation>
    </message>
    <message>
        <source>type a command, for example: D 123 PL-1</source>
        <translation>escriba un comando, por ejemplo: D 123 PL-1</translation>
    </message>
    <message>
        <source>{ref} is not an incident number</source>
        <translation>{ref} no es un número de incidente</translation>
    </message>
    <message>
        <source>no incident {number}</source>
        <translation>no existe el incidente {number}</translation>
    </message>
    <message>
        <source>; did you mean {teams}?</source>
        <translation>; ¿quiso decir {teams}?</translation>
    </message>
    <message>
        <source> or </source>
        <translation> o </translation>
    </message>
    <message>
        <source>no team {team}</source>
        <translation>no existe el equipo {team}</translation>
    </message>
    <message>
        <source>usage: {usage}</source>
        <translation>uso: {usage}</translation>
    </message>
    <message>
        <source>unknown disposition {code}; use one of {codes}</source>
        <translation>resolución desconocida {code}; use una de {codes}</translation>
    </message>
    <message>
        <source>redirect to LAPD or LAFD</source>
        <translation>redirija a LAPD o LAFD</translation>
    </message>
    <message>
        <source>unknown command {verb}; press F1 for the list</source>
        <translation>comando desconocido {verb}; pulse F1 para ver la lista</translation>
    </message>
    <message>
        <source>— team —</source>
        <translation>— equipo —</translation>
    </message>
    <message>
        <source>— division —</source>
        <translation>— división —</translation>
    </message>
    <message>
        <source>Divi&amp;sion</source>
        <translation>Divi&amp;sión</translation>
    </message>
    <message>
        <source>Tea&amp;m</source>
        <translation>Equipo (&amp;M)</translation>
    </message>
    <message>
        <source>alarm: waiting too long</source>
        <translation>alarma: espera demasiado larga</translation>
    </message>
    <message>
        <source>warning: waiting long</source>
        <translation>aviso: espera larga</translation>
    </message>
    <message>
        <source>unknown event type {type}</source>
        <translation>tipo de evento desconocido {type}</translation>
    </message>
    <message>
        <source>occurred_at {time} is in the future</source>
        <translation>occurred_at {time} está en el futuro</translation>
    </message>
    <message>
        <source>{field}: out of range in UTC</source>
        <translation>{field}: fuera de rango en UTC</translation>
    </message>
    <message>
        <source>{type} needs expected_version</source>
        <translation>{type} requiere expected_version</translation>
    </message>
    <message>
        <source>changed meanwhile: expected version {expected}, it is at version {current}</source>
        <translation>cambió mientras tanto: se esperaba la versión {expected}, está en la versión {current}</translation>
    </message>
    <message>
        <source>incident {number} is closed</source>
        <translation>el incidente {number} está cerrado</translation>
    </message>
    <message>
        <source>an incident with this id exists</source>
        <translation>ya existe un incidente con este identificador</translation>
    </message>
    <message>
        <source>received_at {time} is in the future</source>
        <translation>received_at {time} está en el futuro</translation>
    </message>
    <message>
        <source>the safety screen flags this call: redirect it, or give the reason an unarmed team still takes it (screen_override_reason)</source>
        <translation>la evaluación de seguridad marca esta llamada: rediríjala, o indique la razón por la que un equipo sin armas la atiende de todos modos (screen_override_reason)</translation>
    </message>
    <message>
        <source>nothing to change</source>
        <translation>no hay nada que cambiar</translation>
    </message>
    <message>
        <source>the note would be {length} characters long; at most {limit} fit</source>
        <translation>la nota tendría {length} caracteres; caben {limit} como máximo</translation>
    </message>
    <message>
        <source>team {team} is {status}, not available</source>
        <translation>el equipo {team} está en «{status}», no disponible</translation>
    </message>
    <message>
        <source>team {team} is held for {number} at {time}</source>
        <translation>el equipo {team} está reservado para {number} a las {time}</translation>
    </message>
    <message>
        <source>team {team} is not on incident {number}</source>
        <translation>el equipo {team} no está en el incidente {number}</translation>
    </message>
    <message>
        <source>incident {number} is open</source>
        <translation>el incidente {number} está abierto</translation>
    </message>
    <message>
        <source>team {team} is already {status}</source>
        <translation>el equipo {team} ya está en «{status}»</translation>
    </message>
    <message>
        <source>team {team} cannot go from {old} to {new} (assign it to an incident to dispatch it)</source>
        <translation>el equipo {team} no puede pasar de «{old}» a «{new}» (asígnelo a un incidente para despacharlo)</translation>
    </message>
    <message>
        <source>team {team} cannot go from {old} to {new}</source>
        <translation>el equipo {team} no puede pasar de «{old}» a «{new}»</translation>
    </message>
    <message>
        <source>team {team} holds no incident to be {status}</source>
        <translation>el equipo {team} no tiene un incidente para estar en «{status}»</translation>
    </message>
    <message>
        <source>team {team} exists</source>
        <translation>el equipo {team} ya existe</translation>
    </message>
    <message>
        <source>overdue_since {time} is after the event itself</source>
        <translation>overdue_since {time} es posterior al propio evento</translation>
    </message>
    <message>
        <source>the alert has ended: team {team} checked in at {time}</source>
        <translation>la alerta terminó: el equipo {team} hizo su control de seguridad a las {time}</translation>
    </message>
    <message>
        <source>the alert has ended: team {team} changed status at {time}</source>
        <translation>la alerta terminó: el equipo {team} cambió de estado a las {time}</translation>
    </message>
    <message>
        <source>the alert has ended: team {team} is {status} now</source>
        <translation>la alerta terminó: el equipo {team} ahora está en «{status}»</translation>
    </message>
    <message>
        <source>the alert of team {team} is escalated already</source>
        <translation>la alerta del equipo {team} ya está escalada</translation>
    </message>
    <message>
        <source>the alert of team {team} was acknowledged: nothing to escalate</source>
        <translation>la alerta del equipo {team} ya fue confirmada: no hay nada que escalar</translation>
    </message>
    <message>
        <source>the alert of team {team} is acknowledged already</source>
        <translation>la alerta del equipo {team} ya está confirmada</translation>
    </message>
    <message>
        <source>due_by is in the past</source>
        <translation>due_by está en el pasado</translation>
    </message>
    <message>
        <source>incident {number} has no open follow-up</source>
        <translation>el incidente {number} no tiene un seguimiento abierto</translation>
    </message>
    <message>
        <source>incident {number} already awaits acceptance by {provider}</source>
        <translation>el incidente {number} ya espera que {provider} lo acepte</translation>
    </message>
    <message>
        <source>incident {number} has no handoff awaiting acceptance</source>
        <translation>el incidente {number} no tiene un traspaso en espera de aceptación</translation>
    </message>
    <message>
        <source>incident {number} has a team now; release it to plan the call for later</source>
        <translation>el incidente {number} ya tiene un equipo; libérelo para planear la llamada para más tarde</translation>
    </message>
    <message>
        <source>a team is reserved only for a scheduled time</source>
        <translation>un equipo solo se reserva para una hora programada</translation>
    </message>
    <message>
        <source>scheduled_for is in the past</source>
        <translation>scheduled_for está en el pasado</translation>
    </message>
    <message>
        <source>hold_from is after scheduled_for</source>
        <translation>hold_from es posterior a scheduled_for</translation>
    </message>
    <message>
        <source>team {team} is reserved for {number} at {time}</source>
        <translation>el equipo {team} está reservado para {number} a las {time}</translation>
    </message>
    <message>
        <source>expires_at: must be after the note is made</source>
        <translation>expires_at: debe ser posterior a la creación de la nota</translation>
    </message>
    <message>
        <source>team {team} called for help at {time} already; it is not acknowledged yet</source>
        <translation>el equipo {team} ya pidió ayuda a las {time}; todavía no se ha confirmado</translation>
    </message>
    <message>
        <source>team {team} has no call for help made at {time}</source>
        <translation>el equipo {team} no tiene una petición de ayuda hecha a las {time}</translation>
    </message>
    <message>
        <source>the call for help of team {team} is acknowledged already</source>
        <translation>la petición de ayuda del equipo {team} ya está confirmada</translation>
    </message>
    <message>
        <source>{count} calls: the first one was used</source>
        <translation>{count} llamadas: se usó la primera</translation>
    </message>
    <message>
        <source>the sender flagged safety cautions: redirect the call, or give the reason an unarmed team still takes it</source>
        <translation>el remitente marcó precauciones de seguridad: redirija la llamada, o indique la razón por la que un equipo sin armas la atiende de todos modos</translation>
    </message>
    <message>
        <source>no incident type (a call transfer): set to welfare check; screen the call</source>
        <translation>sin tipo de incidente (una transferencia de llamada): se puso verificación de bienestar; evalúe la llamada</translation>
    </message>
    <message>
        <source>no call: the received time is the document&apos;s last update</source>
        <translation>sin llamada: la hora de recepción es la última actualización del documento</translation>
    </message>
    <message>
        <source>the source is not given: set to LAPD 911 diversion</source>
        <translation>no se indica el origen: se puso desvío del 911 de LAPD</translation>
    </message>
    <message>
        <source>no priority: set to 2 (high); triage the call</source>
        <translation>sin prioridad: se puso 2 (alta); clasifique la llamada</translation>
    </message>
    <message>
        <source>a location given only by reference was not dereferenced</source>
        <translation>una ubicación dada solo por referencia no se resolvió</translation>
    </message>
    <message>
        <source>the callback number is longer than 40 characters: left out</source>
        <translation>el número para regresar la llamada tiene más de 40 caracteres: se omitió</translation>
    </message>
    <message>
        <source>caution {name} has no safety flag here: read it in the notes</source>
        <translation>la precaución {name} no tiene una marca de seguridad aquí: léala en las notas</translation>
    </message>
    <message>
        <source>{count} calls without a division left out</source>
        <translation>se omitieron {count} llamadas sin división</translation>
    </message>
    <message>
        <source>less than two weeks: hours pooled over the days of the week</source>
        <translation>menos de dos semanas: horas combinadas entre los días de la semana</translation>
    </message>
    <message>
        <source>only {count} calls with a team: service times from the simulator&apos;s calibration</source>
        <translation>solo {count} llamadas con un equipo: tiempos de servicio de la calibración del simulador</translation>
    </message>
    <message>
        <source>target out of reach: best mean response {mean} min, 90th percentile {p90} min (travel alone {travel} min)</source>
        <translation>meta inalcanzable: mejor respuesta media {mean} min, percentil 90 {p90} min (solo el traslado {travel} min)</translation>
    </message>
    <message>
        <source>target out of reach</source>
        <translation>meta inalcanzable</translation>
    </message>
    <message>
        <source>Pilot ({count} divisions)</source>
        <translation>Piloto ({count} divisiones)</translation>
    </message>
    <message>
        <source>Funded nine (assumed: pilot + 3)</source>
        <translation>Las nueve financiadas (supuesto: piloto + 3)</translation>
    </message>
    <message>
        <source>Citywide ({count})</source>
        <translation>Toda la ciudad ({count})</translation>
    </message>
    <message>
        <source>Choose another available team.</source>
        <translation>Elija otro equipo disponible.</translation>
    </message>
    <message>
        <source>Someone changed it meanwhile: check it and try again.</source>
        <translation>Alguien lo cambió mientras tanto: revíselo e inténtelo de nuevo.</translation>
    </message>
    <message>
        <source>It was closed meanwhile; reopen it first if the work goes on.</source>
        <translation>Se cerró mientras tanto; reábralo primero si el trabajo continúa.</translation>
    </message>
    <message>
        <source>Check the current status and choose a step that follows.</source>
        <translation>Revise el estado actual y elija un paso que le siga.</translation>
    </message>
    <message>
        <source>It is not known to the server; it may have been refused earlier.</source>
        <translation>El servidor no lo conoce; puede que se haya rechazado antes.</translation>
    </message>
    <message>
        <source>Correct the entry and submit it again.</source>
        <translation>Corrija los datos y envíelos de nuevo.</translation>
    </message>
    <message>
        <source>Your role may not do this; ask a supervisor.</source>
        <translation>Su función no permite hacer esto; pídalo a un supervisor.</translation>
    </message>
    <message>
        <source>It exists already; nothing was added.</source>
        <translation>Ya existe; no se agregó nada.</translation>
    </message>
    <message>
        <source>an unknown incident</source>
        <translation>incidente desconocido</translation>
    </message>
    <message>
        <source>incident {number}</source>
        <translation>incidente {number}</translation>
    </message>
    <message>
        <source>no address</source>
        <translation>sin dirección</translation>
    </message>
    <message>
        <source>the new incident ({call_type}, {address})</source>
        <translation>nuevo incidente ({call_type}, {address})</translation>
    </message>
    <message>
        <source>team {team}</source>
        <translation>equipo {team}</translation>
    </message>
    <message>
        <source>an unknown team</source>
        <translation>equipo desconocido</translation>
    </message>
    <message>
        <source>Setting {team} to {status}</source>
        <translation>el cambio del {team} a «{status}»</translation>
    </message>
    <message>
        <source>The check-in of {team}</source>
        <translation>el control de seguridad del {team}</translation>
    </message>
    <message>
        <source>Adding team {call_sign}</source>
        <translation>el alta del equipo {call_sign}</translation>
    </message>
    <message>
        <source>Escalating the overdue alert of {team} to the supervisors</source>
        <translation>el escalamiento a los supervisores de la alerta de atraso del {team}</translation>
    </message>
    <message>
        <source>Acknowledging the overdue alert of {team}</source>
        <translation>la confirmación de la alerta de atraso del {team}</translation>
    </message>
    <message>
        <source>The call for help of {team}</source>
        <translation>la petición de ayuda del {team}</translation>
    </message>
    <message>
        <source>Acknowledging the call for help of {team}</source>
        <translation>la confirmación de la petición de ayuda del {team}</translation>
    </message>
    <message>
        <source>{event} on {team}</source>
        <translation>{event} sobre el {team}</translation>
    </message>
    <message>
        <source>incident</source>
        <translation>incidente</translation>
    </message>
    <message>
        <source>The new incident ({call_type}, {address})</source>
        <translation>el nuevo incidente ({call_type}, {address})</translation>
    </message>
    <message>
        <source>The edit of {incident}</source>
        <translation>la edición del {incident}</translation>
    </message>
    <message>
        <source>The note on {incident}</source>
        <translation>la nota del {incident}</translation>
    </message>
    <message>
        <source>Assigning {team} to {incident}</source>
        <translation>la asignación del {team} al {incident}</translation>
    </message>
    <message>
        <source>Releasing {team} from {incident}</source>
        <translation>la liberación del {team} del {incident}</translation>
    </message>
    <message>
        <source>Redirecting {incident} to {agency}</source>
        <translation>la redirección del {incident} a {agency}</translation>
    </message>
    <message>
        <source>Closing {incident}</source>
        <translation>el cierre del {incident}</translation>
    </message>
    <message>
        <source>Reopening {incident}</source>
        <translation>la reapertura del {incident}</translation>
    </message>
    <message>
        <source>Scheduling a follow-up of {incident}</source>
        <translation>la programación de un seguimiento del {incident}</translation>
    </message>
    <message>
        <source>Marking the follow-up of {incident} done</source>
        <translation>el registro del seguimiento del {incident} como hecho</translation>
    </message>
    <message>
        <source>The handoff of {incident} to {provider}</source>
        <translation>el traspaso del {incident} a {provider}</translation>
    </message>
    <message>
        <source>Recording that the handoff of {incident} was accepted</source>
        <translation>el registro de la aceptación del traspaso del {incident}</translation>
    </message>
    <message>
        <source>Planning {incident} for later</source>
        <translation>la programación del {incident} para más tarde</translation>
    </message>
    <message>
        <source>Planning {incident} for later with {team}</source>
        <translation>la programación del {incident} para más tarde con el {team}</translation>
    </message>
    <message>
        <source>{event} on {incident}</source>
        <translation>{event} sobre el {incident}</translation>
    </message>
    <message>
        <source>{action} was rejected: {detail}.</source>
        <translation>Se rechazó {action}: {detail}.</translation>
    </message>
</context>
</TS>
