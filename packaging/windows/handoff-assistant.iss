; Inno Setup 6 script: installs the PyInstaller folder (packaging/handoff.spec, built on Windows) per user.
; NOT BUILT HERE (the project builds and tests only the Linux package). On a Windows build machine:
;   py -m venv build\package-venv && build\package-venv\Scripts\pip install .[package]
;   build\package-venv\Scripts\pyinstaller --noconfirm --distpath build\pyinstaller\dist packaging\handoff.spec
;   iscc /DAppVersion=0.1.0 packaging\windows\handoff-assistant.iss
; Result: dist\handoff-assistant-0.1.0-windows-x86_64-setup.exe
; It adds a Start menu entry, puts handoff.exe on the user's PATH (optional task), and registers the handoff
; bundle (*.zip) "Open with Handoff Assistant" entry without taking over .zip files.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Handoff Assistant"
#define AppId "io.github.handoff-assistant"
#define SourceDir "..\..\build\pyinstaller\dist\handoff-assistant"

[Setup]
AppId={{6F0C7E0A-3D3B-4C8E-9A51-1E2B5B6C9D10}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=The Handoff Assistant developers
DefaultDirName={autopf}\Handoff Assistant
DefaultGroupName={#AppName}
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=handoff-assistant-{#AppVersion}-windows-x86_64-setup
SetupIconFile=handoff-assistant.ico
UninstallDisplayIcon={app}\handoff-assistant.exe
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
ChangesEnvironment=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add the handoff command to my PATH"; GroupDescription: "Command line:"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\handoff-assistant.exe"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\handoff-assistant.exe"; Tasks: desktopicon

[Registry]
; "Open with" for handoff bundles: a ProgID offered for .zip, never the default handler of .zip.
Root: HKA; Subkey: "Software\Classes\{#AppId}.bundle"; ValueType: string; ValueData: "Handoff bundle"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#AppId}.bundle\DefaultIcon"; ValueType: string; ValueData: "{app}\handoff-assistant.exe,0"
Root: HKA; Subkey: "Software\Classes\{#AppId}.bundle\shell\open\command"; ValueType: string; ValueData: """{app}\handoff-assistant.exe"" ""%1"""
Root: HKA; Subkey: "Software\Classes\.zip\OpenWithProgids"; ValueType: string; ValueName: "{#AppId}.bundle"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\handoff-assistant.exe\SupportedTypes"; ValueType: string; ValueName: ".zip"; ValueData: ""
; The handoff command on PATH (per user), removed again on uninstall.
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\handoff-assistant.exe"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Paths) then
    Paths := '';
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;

procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  Paths, Dir: string;
  At: Integer;
begin
  if CurUninstallStep <> usPostUninstall then
    exit;
  if not RegQueryStringValue(HKCU, 'Environment', 'Path', Paths) then
    exit;
  Dir := ';' + ExpandConstant('{app}');
  At := Pos(Uppercase(Dir), Uppercase(Paths));
  if At > 0 then
  begin
    Delete(Paths, At, Length(Dir));
    RegWriteExpandStringValue(HKCU, 'Environment', 'Path', Paths);
  end;
end;
