; RaSoat — Windows installer (NSIS 3, Unicode).
;
; Installs for the current user only, without administrator rights: the program goes to
; %LOCALAPPDATA%\Programs\RaSoat, the Start-menu and desktop shortcuts are the user's own, and the
; uninstall entry is written under HKCU. The officer's data is NOT here: RaSoat keeps it in
; %LOCALAPPDATA%\RaSoat (app/paths.py), so uninstalling or upgrading never deletes it.
;
; Built by `python installer/build.py installer` after `python installer/build.py bundle`, which
; pass (the version is read from pyproject.toml):
;   -DVERSION=x.y.z  -DBUNDLE=<the PyInstaller folder dist\RaSoat>  -DOUTFILE=<setup .exe>

Unicode true
SetCompressor /SOLID lzma
RequestExecutionLevel user

!ifndef VERSION
  !error "VERSION is not defined: build with installer/build.py (reads pyproject.toml)"
!endif
!ifndef BUNDLE
  !error "BUNDLE is not defined: the folder made by PyInstaller (dist\RaSoat)"
!endif
!ifndef OUTFILE
  !define OUTFILE "RaSoat-${VERSION}-setup.exe"
!endif

!define APP "RaSoat"
!define PUBLISHER "RaSoat"
!define GUI_EXE "rasoat-gui.exe"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP}"
!define DATA_DIR "$LOCALAPPDATA\${APP}"

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\${APP}"
InstallDirRegKey HKCU "Software\${APP}" "InstallDir"
BrandingText "${APP} ${VERSION}"

VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "FileDescription" "RaSoat — rà soát hộ nghèo, hộ cận nghèo"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "RaSoat"

!include "MUI2.nsh"
!include "LogicLib.nsh"

!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\${GUI_EXE}"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"
!insertmacro MUI_LANGUAGE "English"

LangString DataKept ${LANG_VIETNAMESE} "Dữ liệu rà soát trong ${DATA_DIR} được giữ nguyên."
LangString DataKept ${LANG_ENGLISH} "The review data in ${DATA_DIR} has been kept."
LangString NotDataDir ${LANG_VIETNAMESE} "Không cài chương trình vào thư mục dữ liệu ${DATA_DIR}. Hãy chọn thư mục khác."
LangString NotDataDir ${LANG_ENGLISH} "Do not install the program into the data folder ${DATA_DIR}. Choose another folder."
LangString NotOurs ${LANG_VIETNAMESE} "Thư mục $INSTDIR không có RaSoat; không xóa gì."
LangString NotOurs ${LANG_ENGLISH} "$INSTDIR does not hold RaSoat; nothing was removed."

Function .onInit
  SetShellVarContext current
  !insertmacro MUI_LANGDLL_DISPLAY
FunctionEnd

Function .onVerifyInstDir
  ; The uninstaller removes the program folder: it must never be the data folder.
  ${If} "$INSTDIR" == "${DATA_DIR}"
    Abort
  ${EndIf}
FunctionEnd

Section "RaSoat" SecMain
  SectionIn RO
  SetShellVarContext current
  ${If} "$INSTDIR" == "${DATA_DIR}"
    MessageBox MB_ICONSTOP "$(NotDataDir)"
    Abort
  ${EndIf}
  ; An upgrade replaces the old program files; the data folder is elsewhere and untouched.
  ${If} ${FileExists} "$INSTDIR\${GUI_EXE}"
    RMDir /r "$INSTDIR\_internal"
  ${EndIf}
  SetOutPath "$INSTDIR"
  File /r "${BUNDLE}\*.*"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortCut "$SMPROGRAMS\${APP}\${APP}.lnk" "$INSTDIR\${GUI_EXE}"
  CreateShortCut "$SMPROGRAMS\${APP}\Gỡ cài đặt ${APP}.lnk" "$INSTDIR\uninstall.exe"
  CreateShortCut "$DESKTOP\${APP}.lnk" "$INSTDIR\${GUI_EXE}"

  WriteRegStr HKCU "Software\${APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\${GUI_EXE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
SectionEnd

Function un.onInit
  SetShellVarContext current
FunctionEnd

Section "Uninstall"
  SetShellVarContext current
  ; Only a folder that holds RaSoat is removed, and never the data folder.
  ${If} "$INSTDIR" == "${DATA_DIR}"
  ${OrIfNot} ${FileExists} "$INSTDIR\${GUI_EXE}"
    MessageBox MB_ICONEXCLAMATION "$(NotOurs)"
    Abort
  ${EndIf}
  Delete "$DESKTOP\${APP}.lnk"
  RMDir /r "$SMPROGRAMS\${APP}"
  RMDir /r "$INSTDIR\_internal"
  Delete "$INSTDIR\rasoat.exe"
  Delete "$INSTDIR\${GUI_EXE}"
  Delete "$INSTDIR\VERSION.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  DeleteRegKey HKCU "Software\${APP}"
  DetailPrint "$(DataKept)"
SectionEnd
