; Inno Setup script of the Windows installer (issue 9, docs/packaging.md).
;
;   python packaging\build.py                    (the bundle, and the defines below)
;   iscc packaging\installer.iss                 (-> dist\installer\umcr-console-<version>-setup.exe)
;
; Needs Inno Setup 6.3 or newer (x64compatible). The bundle build writes
; build\umcr-console\installer-defines.iss with AppVersion, AppVersionNumeric,
; BundleDir and IconFile, all taken from the package version and the build;
; pass /DDefinesFile=<absolute path> when PyInstaller's workpath was moved.

#ifndef DefinesFile
  ; Absolute: Inno Setup 6 looks for an #include expression on the include path only.
  #define DefinesFile AddBackslash(SourcePath) + "..\build\umcr-console\installer-defines.iss"
#endif
#include DefinesFile

#define AppName "UMCR Dispatch Console"
#define ExeName "umcr-console.exe"

[Setup]
; Never change the AppId: it is how a new version finds and upgrades the old one.
AppId={{8BE4701E-DA3E-4854-8E4D-11A093FF82C1}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=UMCR
VersionInfoVersion={#AppVersionNumeric}
VersionInfoProductVersion={#AppVersionNumeric}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName=UMCR Dispatch
DisableProgramGroupPage=yes
; Dispatch-floor machines are installed by IT for all users (Program Files);
; a per-user install is allowed from the command line or the dialog.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist\installer
OutputBaseFilename=umcr-console-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#ExeName}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; A running console holds its DLLs open: ask to close it before an upgrade.
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: a library or module the new version
; no longer ships must not stay behind and be loaded. User data (settings,
; logs, the local database with its outbox) lives in the user's profile,
; never here, so an upgrade keeps it.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#ExeName}"; Comment: "Dispatch console"
Name: "{group}\UMCR Wall Display"; Filename: "{app}\{#ExeName}"; Parameters: "--wall"; Comment: "Supervisor wall display (read-only)"
Name: "{group}\{cm:UninstallProgram,{#AppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#ExeName}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#ExeName}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
