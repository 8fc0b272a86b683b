# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The systeminfo labels and words tlsready reads, per display language (internal use only).

systeminfo translates its labels and some of its values; Microsoft does not document them
(reference 3a, correction 8). These are the strings Windows prints, as seen in public
systeminfo outputs: German, French, Spanish, Italian, Russian and Chinese (Simplified) from
real files published with wesng's validation set; the other languages from outputs quoted in
public forum posts and issue threads, which are fewer - a label that turns out to differ only
means that language gets the "unknown language" message, never a wrong verdict, because
every needed label must be found.

Only the fields tlsready needs are listed. Values that stay in English on every language
(``x64-based PC``, ``Service Pack 1``, ``KB`` ids) are not translated here; the words that
tell a workstation from a server are.
"""

from __future__ import annotations

import typing as t

HOST_NAME = "host name"
OS_NAME = "OS name"
OS_VERSION = "OS version"
OS_CONFIGURATION = "OS configuration"
SYSTEM_TYPE = "system type"
HOTFIXES = "hotfix list"

FIELDS = (HOST_NAME, OS_NAME, OS_VERSION, OS_CONFIGURATION, SYSTEM_TYPE, HOTFIXES)
# The OS configuration is optional: without it the product name tells client from server.
REQUIRED_FIELDS = (HOST_NAME, OS_NAME, OS_VERSION, SYSTEM_TYPE, HOTFIXES)


class Language(t.NamedTuple):
    """One display language: its name and its label for each field (in FIELDS order)."""

    name: str
    host_name: str
    os_name: str
    os_version: str
    os_configuration: str
    system_type: str
    hotfixes: str

    def label(self, field: str) -> str:
        return str(self[1 + FIELDS.index(field)])


LANGUAGES: tuple[Language, ...] = (
    Language("English", "Host Name", "OS Name", "OS Version", "OS Configuration", "System Type", "Hotfix(s)"),
    Language("German", "Hostname", "Betriebssystemname", "Betriebssystemversion", "Betriebssystemkonfiguration",
             "Systemtyp", "Hotfix(es)"),
    Language("French", "Nom de l'hôte", "Nom du système d'exploitation", "Version du système",
             "Configuration du système d'exploitation", "Type du système", "Correctif(s)"),
    Language("Spanish", "Nombre de host", "Nombre del sistema operativo", "Versión del sistema operativo",
             "Configuración del sistema operativo", "Tipo de sistema", "Revisión(es)"),
    Language("Italian", "Nome host", "Nome SO", "Versione SO", "Configurazione SO", "Tipo sistema",
             "Aggiornamenti rapidi"),
    Language("Portuguese (Brazil)", "Nome do host", "Nome do sistema operacional", "Versão do sistema operacional",
             "Configuração do sistema operacional", "Tipo de sistema", "Hotfix(es)"),
    Language("Dutch", "Hostnaam", "Naam besturingssysteem", "Versie besturingssysteem",
             "Configuratie besturingssysteem", "Systeemtype", "Hotfix(es)"),
    Language("Polish", "Nazwa hosta", "Nazwa systemu operacyjnego", "Wersja systemu operacyjnego",
             "Konfiguracja systemu operacyjnego", "Typ systemu", "Poprawki"),
    Language("Russian", "Имя узла", "Название ОС", "Версия ОС", "Параметры ОС", "Тип системы", "Исправление(я)"),
    Language("Turkish", "Ana Bilgisayar Adı", "İşletim Sistemi Adı", "İşletim Sistemi Sürümü",
             "İşletim Sistemi Yapılandırması", "Sistem Türü", "Düzeltmeler"),
    Language("Chinese (Simplified)", "主机名", "OS 名称", "OS 版本", "OS 配置", "系统类型", "修补程序"),
    Language("Japanese", "ホスト名", "OS 名", "OS バージョン", "OS 構成", "システムの種類", "ホットフィックス"),
    Language("Korean", "호스트 이름", "OS 이름", "OS 버전", "OS 구성", "시스템 종류", "핫픽스"),
)

# Words of the "OS Configuration" value ("Member Workstation", "Eigenständige Arbeitsstation",
# "Основной контроллер домена" ...), lower case; the server words are tried first.
SERVER_WORDS = (
    "server", "domain controller", "domänencontroller", "serveur", "contrôleur", "servidor", "controlador",
    "serwer", "kontroler", "сервер", "контроллер домена", "sunucu", "etki alanı denetleyicisi", "服务器", "域控制器",
    "サーバー", "ドメイン コントローラー", "서버", "도메인 컨트롤러",
)
WORKSTATION_WORDS = (
    "workstation", "arbeitsstation", "station de travail", "estación de trabajo", "estação de trabalho",
    "werkstation", "stacja robocza", "рабочая станция", "iş istasyonu", "工作站", "ワークステーション", "워크스테이션",
)
