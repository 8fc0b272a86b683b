# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Localised and language-independent lab hosts (issue 15): the systeminfo labels, and the hosts.

* ``LOCALISATIONS``: how systeminfo prints its labels and some values in German, French, Russian
  and Chinese (Simplified), as real Windows 7 / Server 2012 R2 / Windows 10 outputs published
  with wesng's validation set print them. The parser's own label table is separate, in
  plugins/plugin_utils/_sources/systeminfo_labels.py, so that the lab checks it rather than
  repeats it. systeminfo.py renders them.
* ``localised_hosts``: copies of win7-patched with a localised systeminfo, with a systeminfo whose
  update list is cut, and collected by the new collect.cmd (osidentity.txt from reg query,
  hotfixes.csv from wmic qfe). Each must be judged exactly like win7-patched.
"""

from __future__ import annotations

import dataclasses
import typing as t

from .model import Host


class Localisation(t.NamedTuple):
    """How one display language prints systeminfo."""

    labels: dict[str, str]  # English label -> localised label
    os_name: str  # "Microsoft Windows 7 Enterprise " in that language
    os_version: str  # "6.1.7601 Service Pack 1 Build 7601" in that language
    configuration: str  # "Member Workstation"
    hotfix_count: str  # "{n} Hotfix(s) Installed." with {n}
    processor_count: str
    nic_count: str


_LABELS_EN = ("Host Name", "OS Name", "OS Version", "OS Manufacturer", "OS Configuration", "OS Build Type",
              "Registered Owner", "Registered Organization", "Product ID", "Original Install Date",
              "System Boot Time", "System Manufacturer", "System Model", "System Type", "Processor(s)",
              "BIOS Version", "Windows Directory", "System Directory", "Boot Device", "System Locale",
              "Input Locale", "Time Zone", "Total Physical Memory", "Available Physical Memory",
              "Virtual Memory: Max Size", "Virtual Memory: Available", "Virtual Memory: In Use",
              "Page File Location(s)", "Domain", "Logon Server", "Hotfix(s)", "Network Card(s)")


def _labels(*localised: str) -> dict[str, str]:
    assert len(localised) == len(_LABELS_EN)
    return dict(zip(_LABELS_EN, localised))


LOCALISATIONS: dict[str, Localisation] = {
    "German": Localisation(_labels(
        "Hostname", "Betriebssystemname", "Betriebssystemversion", "Betriebssystemhersteller",
        "Betriebssystemkonfiguration", "Betriebssystem-Buildtyp", "Registrierter Benutzer",
        "Registrierte Organisation", "Produkt-ID", "Ursprüngliches Installationsdatum", "Systemstartzeit",
        "Systemhersteller", "Systemmodell", "Systemtyp", "Prozessor(en)", "BIOS-Version", "Windows-Verzeichnis",
        "System-Verzeichnis", "Startgerät", "Systemgebietsschema", "Eingabegebietsschema", "Zeitzone",
        "Gesamter physikalischer Speicher", "Verfügbarer physikalischer Speicher",
        "Virtueller Arbeitsspeicher: Maximale Größe", "Virtueller Arbeitsspeicher: Verfügbar",
        "Virtueller Arbeitsspeicher: Zurzeit verwendet", "Auslagerungsdateipfad(e)", "Domäne", "Anmeldeserver",
        "Hotfix(es)", "Netzwerkkarte(n)"),
        "Microsoft Windows 7 Enterprise ", "6.1.7601 Service Pack 1 Build 7601", "Mitgliedsarbeitsstation",
        "{n} Hotfix(e) installiert.", "1 Prozessor(en) installiert.", "1 Netzwerkadapter installiert."),
    "French": Localisation(_labels(
        "Nom de l'hôte", "Nom du système d'exploitation", "Version du système",
        "Fabricant du système d'exploitation", "Configuration du système d'exploitation",
        "Type de version du système d'exploitation", "Propriétaire enregistré", "Organisation enregistrée",
        "Identificateur de produit", "Date d'installation originale", "Heure de démarrage du système",
        "Fabricant du système", "Modèle du système", "Type du système", "Processeur(s)", "Version du BIOS",
        "Répertoire Windows", "Répertoire système", "Périphérique d'amorçage", "Option régionale du système",
        "Paramètres régionaux d'entrée", "Fuseau horaire", "Mémoire physique totale",
        "Mémoire physique disponible", "Mémoire virtuelle\u00a0: taille maximale",
        "Mémoire virtuelle\u00a0: disponible", "Mémoire virtuelle\u00a0: en cours d'utilisation",
        "Emplacements des fichiers d'échange", "Domaine", "Serveur d'ouverture de session", "Correctif(s)",
        "Carte(s) réseau"),
        "Microsoft Windows\u00a07 Entreprise ", "6.1.7601 Service Pack 1 version 7601", "Station de travail membre",
        "{n} Corrections installées.", "1 processeur(s) installé(s).", "1 carte(s) réseau installée(s)."),
    "Russian": Localisation(_labels(
        "Имя узла", "Название ОС", "Версия ОС", "Изготовитель ОС", "Параметры ОС", "Построение ОС",
        "Зарегистрированный владелец", "Зарегистрированная организация", "Код продукта", "Дата установки",
        "Время загрузки системы", "Изготовитель системы", "Модель системы", "Тип системы", "Процессор(ы)",
        "Версия BIOS", "Папка Windows", "Системная папка", "Устройство загрузки", "Язык системы", "Язык ввода",
        "Часовой пояс", "Полный объем физической памяти", "Доступная физическая память",
        "Виртуальная память: Макс. размер", "Виртуальная память: Доступна", "Виртуальная память: Используется",
        "Расположение файла подкачки", "Домен", "Сервер входа в сеть", "Исправление(я)", "Сетевые адаптеры"),
        "Майкрософт Windows 7 Корпоративная ", "6.1.7601 Service Pack 1 построение 7601",
        "Рядовая рабочая станция", "Число установленных исправлений - {n}.", "Число процессоров - 1.",
        "Число сетевых адаптеров - 1."),
    "Chinese (Simplified)": Localisation(_labels(
        "主机名", "OS 名称", "OS 版本", "OS 制造商", "OS 配置", "OS 构件类型", "注册的所有人", "注册的组织", "产品 ID",
        "初始安装日期", "系统启动时间", "系统制造商", "系统型号", "系统类型", "处理器", "BIOS 版本", "Windows 目录",
        "系统目录", "启动设备", "系统区域设置", "输入法区域设置", "时区", "物理内存总量", "可用的物理内存",
        "虚拟内存: 最大值", "虚拟内存: 可用", "虚拟内存: 使用中", "页面文件位置", "域", "登录服务器", "修补程序", "网卡"),
        "Microsoft Windows 7 企业版 ", "6.1.7601 Service Pack 1 Build 7601", "成员工作站",
        "安装了 {n} 个修补程序。", "安装了 1 个处理器。", "安装了 1 个 NIC。"),
}


# (name, hostname, language, list format, encoding): one Windows 7 SP1 host per language, in the
# two systeminfo forms and several code pages between them (cp850: German, French consoles;
# cp866: Russian; GBK/cp936: Chinese; UTF-16: PowerShell's redirection).
_LOCALISED = (
    ("win7-de", "PC-DE-0212", "German", True, "cp850"),
    ("win7-fr", "PC-FR-0212", "French", False, "utf-16"),
    ("win7-ru", "PC-RU-0212", "Russian", True, "cp866"),
    ("win7-zh", "PC-ZH-0212", "Chinese (Simplified)", False, "gbk"),
)


def localised_hosts(hosts: t.Sequence[Host]) -> list[Host]:
    """Copies of win7-patched: localised systeminfo, a cut update list, and collected by collect.cmd."""
    base = next(h for h in hosts if h.name == "win7-patched")
    out = [dataclasses.replace(base, name=name, hostname=hostname, language=language, list_format=list_format,
                               encoding=encoding)
           for name, hostname, language, list_format, encoding in _LOCALISED]
    # systeminfo declares every update and lists those before KB3140245 only (as real Windows 7
    # outputs declaring 273 and listing 246 do); winhttp.dll and webio.dll prove KB3140245.
    cut = base.hotfixes.index("KB3140245")
    out.append(dataclasses.replace(base, name="win7-truncated", hostname="PC-0213", list_format=True,
                                   hotfixes_listed=cut))
    out.append(dataclasses.replace(base, name="win7-collected", hostname="PC-0214", collector="collect.cmd"))
    return out
