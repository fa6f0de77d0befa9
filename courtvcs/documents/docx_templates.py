"""Builds the default DOCX templates (courtvcs/documents/docx/<kind>.<lang>.docx) with
python-docx: run `manage.py build_docx_templates` after changing this file, and commit
the .docx files it writes.

The .docx files are docxtpl templates: Jinja tags in the text ({{ hearing.case_number }}),
`{%p ... %}` paragraphs for conditions and lists, `{%tr ... %}` rows for tables that grow.
They use the same context as the HTML templates (contexts.py) and say the same as them,
so a document downloaded for editing reads like its PDF. An administrator may open one in
Word or LibreOffice, change the wording or the layout (keeping each tag whole, in one
run of one style), and put it into COURTVCS_DOCUMENT_TEMPLATES_DIR under the same name.
Word documents use Times New Roman, which every office machine has and which covers the
Kazakh letters Ә Ғ Қ Ң Ө Ұ Ү Һ І.
"""

from pathlib import Path

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .rendering import DOCX_DIR

FONT = "Times New Roman"
RED = RGBColor(0xB0, 0x00, 0x00)
GREY = RGBColor(0x55, 0x55, 0x55)


class Builder:
    def __init__(self):
        self.doc = new_document()
        section = self.doc.sections[0]
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.top_margin, section.bottom_margin = Cm(1.8), Cm(2.0)
        section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
        normal = self.doc.styles["Normal"]
        normal.font.name, normal.font.size = FONT, Pt(12)
        fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
        for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attr), FONT)
        normal.paragraph_format.space_after = Pt(4)
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        self._run(header, "{% if doc.draft %}{{ terms.draft }}{% endif %}", bold=True, color=RED, size=14)
        footer = section.footer.paragraphs[0]
        self._run(footer, "{{ terms.generated }} {{ doc.generated_at }} · {{ terms.version }} {{ doc.version }}"
                          " · {{ terms.time_note }}", size=8, color=GREY)

    @staticmethod
    def _run(paragraph, text: str, *, bold=False, italic=False, size=None, color=None):
        run = paragraph.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
        return run

    def p(self, text: str, *, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent=True, **style):
        paragraph = self.doc.add_paragraph()
        paragraph.alignment = align
        if indent:
            paragraph.paragraph_format.first_line_indent = Cm(1.0)
        self._run(paragraph, text, **style)
        return paragraph

    def tag(self, tag: str):
        """A paragraph that holds only a docxtpl {%p ... %} tag (it disappears when rendered)."""
        return self.p(tag, indent=False, align=WD_ALIGN_PARAGRAPH.LEFT)

    def draft_banner(self):
        self.tag("{%p if doc.draft %}")
        self.p("{{ terms.draft }}. {{ terms.draft_note }}", indent=False, bold=True, color=RED, size=10)
        self.tag("{%p endif %}")

    def issuer(self, name: str, region: str | None = None):
        for text, style in (("{{ terms.state }}", {"size": 9}), (name, {"bold": True, "size": 13}),
                            *(((region, {"size": 10}),) if region else ())):
            self.p(text, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, **style)
        rule = self.p("", indent=False)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "double"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        rule._p.get_or_add_pPr().append(borders)

    def meta(self, left: str, right: str):
        paragraph = self.doc.add_paragraph()
        paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(17.0), WD_TAB_ALIGNMENT.RIGHT)
        self._run(paragraph, f"{left}\t{right}", size=11)

    def addressee(self, *lines: str):
        for n, text in enumerate(lines):
            paragraph = self.p(text, align=WD_ALIGN_PARAGRAPH.LEFT, indent=False, bold=n == 0)
            paragraph.paragraph_format.left_indent = Cm(9.5)

    def title(self, text: str, subtitle: str = ""):
        if text:
            self.p(text, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, bold=True, size=13)
        if subtitle:
            self.p(subtitle, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False, bold=True)

    def heading(self, text: str):
        paragraph = self.p(text, align=WD_ALIGN_PARAGRAPH.LEFT, indent=False, bold=True)
        paragraph.paragraph_format.space_before = Pt(8)

    def fields(self, rows: list[tuple[str, str]]):
        table = self.doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in rows:
            cells = table.add_row().cells
            cells[0].width, cells[1].width = Cm(6.5), Cm(10.5)
            self._cell(cells[0], label)
            self._cell(cells[1], value)
        self.doc.add_paragraph()

    def grid(self, headers: list[str], loop: str, cells: list[str], widths: list[float]):
        """A table with a header row and one row per item: {%tr for ... %} rows around it."""
        table = self.doc.add_table(rows=0, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        head = table.add_row().cells
        for cell, text, width in zip(head, headers, widths):
            cell.width = Cm(width)
            self._cell(cell, text, bold=True)
        opening = table.add_row().cells
        self._cell(opening[0], f"{{%tr for {loop} %}}")
        row = table.add_row().cells
        for cell, text, width in zip(row, cells, widths):
            cell.width = Cm(width)
            self._cell(cell, text)
        closing = table.add_row().cells
        self._cell(closing[0], "{%tr endfor %}")
        self.doc.add_paragraph()

    def _cell(self, cell, text: str, *, bold=False):
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        self._run(paragraph, text, bold=bold, size=10)

    def items(self, loop: str, text: str):
        self.tag(f"{{%p for {loop} %}}")
        paragraph = self.p(text, indent=False)
        paragraph.paragraph_format.left_indent = Cm(0.8)
        self.tag("{%p endfor %}")

    def signatures(self, rows: list[tuple[str, str]], *, loop: str = ""):
        """Signature blocks: who, a line to sign on, the name (or a line for it)."""
        table = self.doc.add_table(rows=0, cols=3)
        if loop:
            self._cell(table.add_row().cells[0], f"{{%tr for {loop} %}}")
        for who, name in rows:
            cells = table.add_row().cells
            for cell, width in zip(cells, (6.5, 5.0, 5.5)):
                cell.width = Cm(width)
            self._cell(cells[0], who)
            self._cell(cells[1], "______________________ ({{ terms.signature }})")
            self._cell(cells[2], name)
        if loop:
            self._cell(table.add_row().cells[0], "{%tr endfor %}")
        self.doc.add_paragraph()

    def note(self, text: str):
        self.p(text, indent=False, size=10, italic=True)

    def save(self, path: Path):
        self.doc.core_properties.title = path.stem
        self.doc.core_properties.author = "courtvcs"
        self.doc.save(path)


# ---- the documents ------------------------------------------------------------------------

COURT = ("{{ court.name }}", "{{ court.region }}")
META = ("№ {{ doc.number }}", "{{ doc.date_words }}")
SITES = "{% for s in sites %}{{ s }}{% if not loop.last %}; {% endif %}{% endfor %}"


def act(b: Builder, ru: bool):
    b.draft_banner()
    b.issuer(*COURT)
    b.meta(*META)
    if ru:
        b.title("АКТ ОБ ОТСУТСТВИИ ТЕХНИЧЕСКОЙ ВОЗМОЖНОСТИ",
                "проведения судебного заседания с применением средств видеоконференцсвязи (ВКС)")
        b.p("В соответствии с пунктом 18 Правил технического применения средств видеоконференцсвязи "
            "секретарём судебного заседания {{ act.drawn_up_by }} {{ act.created_at }} составлен настоящий акт "
            "об отсутствии технической возможности. Акт подписывается заведующим канцелярией суда, "
            "секретарём судебного заседания и техническим специалистом.")
        b.heading("1. Сведения о судебном заседании")
        b.fields([("Номер дела", "{{ hearing.case_number }}"),
                  ("Категория дела, инстанция", "{{ hearing.category }}; {{ hearing.instance }}"),
                  ("Суд, зал", "{{ court.name }}, {{ hearing.courtroom }}"),
                  ("Председательствующий судья", "{{ hearing.judge }}"),
                  ("Секретарь судебного заседания", "{{ hearing.secretary }}"),
                  ("Назначенные дата и время", "{{ hearing.starts_at }}"),
                  ("Стороны видеоконференцсвязи",
                   SITES + "{% if not sites %}участники процесса посредством мобильной ВКС{% endif %}")])
        b.heading("2. Сообщение о неисправности")
        b.tag("{%p if fault.present %}")
        b.p("{{ fault.reported_at }} {{ fault.reported_by_role|lower }} {{ fault.reported_by }} сообщил(а) "
            "техническому специалисту о неисправности{% if fault.site %} (сторона: {{ fault.site }}){% endif %}: "
            "«{{ fault.description }}».")
        b.tag("{%p if fault.resolved %}")
        b.p("{{ fault.resolved_at }} {{ fault.resolved_by_role|lower }} {{ fault.resolved_by }} зафиксировал(а) "
            "результат: {{ fault.status }}{% if fault.resolution %} — {{ fault.resolution }}{% endif %}.")
        b.tag("{%p endif %}")
        b.tag("{%p else %}")
        b.p("Сообщение о неисправности оборудования не подавалось: начало судебного заседания задержано "
            "по техническим либо иным причинам.")
        b.tag("{%p endif %}")
        b.heading("3. Принятые меры")
        b.grid(["Время", "Действие", "Кем"], "e in attempts",
               ["{{ e.at }}", "{{ e.text }}{% if e.detail %}: {{ e.detail }}{% endif %}", "{{ e.who or terms.dash }}"],
               [3.5, 8.5, 5.0])
        b.tag("{%p if not attempts %}")
        b.p("Иные меры в системе не зафиксированы.", indent=False)
        b.tag("{%p endif %}")
        b.heading("4. Причина, по которой применение ВКС невозможно")
        b.p("{{ act.reason }}", indent=False, italic=True)
        b.p("На основании изложенного провести судебное заседание по делу № {{ hearing.case_number }}, "
            "назначенное на {{ hearing.starts_at }}, с применением средств видеоконференцсвязи не представилось "
            "возможным. Акт приобщается к материалам дела.")
    else:
        b.title("ТЕХНИКАЛЫҚ МҮМКІНДІКТІҢ БОЛМАУЫ ТУРАЛЫ АКТ",
                "(бейнеконференцбайланыс (БКБ) құралдарын қолдана отырып сот отырысын өткізу)")
        b.p("Бейнеконференцбайланыс құралдарын техникалық қолдану қағидаларының 18-тармағына сәйкес сот "
            "отырысының хатшысы {{ act.drawn_up_by }} {{ act.created_at }} осы техникалық мүмкіндіктің болмауы "
            "туралы актіні жасады. Актіге сот кеңсесінің меңгерушісі, сот отырысының хатшысы және техникалық "
            "маман қол қояды.")
        b.heading("1. Сот отырысы туралы мәліметтер")
        b.fields([("Іс нөмірі", "{{ hearing.case_number }}"),
                  ("Істің санаты, сатысы", "{{ hearing.category }}; {{ hearing.instance }}"),
                  ("Сот, зал", "{{ court.name }}, {{ hearing.courtroom }}"),
                  ("Төрағалық етуші судья", "{{ hearing.judge }}"),
                  ("Сот отырысының хатшысы", "{{ hearing.secretary }}"),
                  ("Тағайындалған күні мен уақыты", "{{ hearing.starts_at }}"),
                  ("Бейнеконференцбайланыс тараптары",
                   SITES + "{% if not sites %}мобильді БКБ арқылы қатысатын процеске қатысушылар{% endif %}")])
        b.heading("2. Ақаулық туралы хабарлама")
        b.tag("{%p if fault.present %}")
        b.p("{{ fault.reported_at }} {{ fault.reported_by_role|lower }} {{ fault.reported_by }} техникалық маманға "
            "ақаулық туралы хабарлады{% if fault.site %} (тарап: {{ fault.site }}){% endif %}: "
            "«{{ fault.description }}».")
        b.tag("{%p if fault.resolved %}")
        b.p("{{ fault.resolved_at }} {{ fault.resolved_by_role|lower }} {{ fault.resolved_by }} нәтижені тіркеді: "
            "{{ fault.status }}{% if fault.resolution %} — {{ fault.resolution }}{% endif %}.")
        b.tag("{%p endif %}")
        b.tag("{%p else %}")
        b.p("Жабдықтың ақаулығы туралы хабарлама берілген жоқ: сот отырысының басталуы техникалық немесе өзге "
            "себептермен кешіктірілді.")
        b.tag("{%p endif %}")
        b.heading("3. Қабылданған шаралар")
        b.grid(["Уақыты", "Әрекет", "Кім"], "e in attempts",
               ["{{ e.at }}", "{{ e.text }}{% if e.detail %}: {{ e.detail }}{% endif %}", "{{ e.who or terms.dash }}"],
               [3.5, 8.5, 5.0])
        b.tag("{%p if not attempts %}")
        b.p("Өзге шаралар жүйеде тіркелмеген.", indent=False)
        b.tag("{%p endif %}")
        b.heading("4. БКБ қолдану мүмкін болмауының себебі")
        b.p("{{ act.reason }}", indent=False, italic=True)
        b.p("Жоғарыда баяндалғанның негізінде № {{ hearing.case_number }} іс бойынша {{ hearing.starts_at }} "
            "тағайындалған сот отырысын бейнеконференцбайланыс құралдарын қолдана отырып өткізу мүмкін болмады. "
            "Акт іс материалдарына қоса тіркеледі.")
    b.signatures([("{{ s.title }}{% if s.signed %} ({{ terms.signed }} {{ s.at }}){% endif %}",
                   "{% if s.signed %}{{ s.name }}{% else %}______________________ ({{ terms.full_name }}){% endif %}")],
                 loop="s in signatures")


def protocol_mark(b: Builder, ru: bool):
    b.issuer(*COURT)
    if ru:
        b.meta("Дело № {{ hearing.case_number }}", "{{ doc.date_words }}")
        b.title("ОТМЕТКА В ПРОТОКОЛЕ СУДЕБНОГО ЗАСЕДАНИЯ",
                "о применении видеоконференцсвязи (ВКС){% if protocol.uses_mobile %} и мобильной "
                "видеоконференцсвязи{% endif %}")
        b.p("Судебное заседание по делу № {{ hearing.case_number }} (категория дела: {{ hearing.category }}; "
            "{{ hearing.instance }}), назначенное на {{ hearing.starts_at }}, проведено с применением системы "
            "видеоконференцсвязи (ВКС){% if protocol.uses_mobile %} и мобильной видеоконференцсвязи{% endif %} "
            "в соответствии с пунктом 21 Правил технического применения средств видеоконференцсвязи. Соединение "
            "установлено {{ protocol.connected_at }}{% if protocol.called_in_at %}, лица, участвующие в деле, "
            "приглашены в зал судебного заседания {{ protocol.called_in_at }}{% endif %}"
            "{% if protocol.closed_at %}, сеанс ВКС завершён {{ protocol.closed_at }}{% endif %}.")
        b.heading("1. Суд")
        b.fields([("Суд, зал", "{{ court.name }}, {{ hearing.courtroom }}"),
                  ("Председательствующий судья", "{{ hearing.judge }}"),
                  ("Секретарь судебного заседания", "{{ hearing.secretary }}")])
        b.heading("2. Стороны видеоконференцсвязи")
        b.grid(["Суд, учреждение, помещение", "Подключение к сеансу ВКС"], "s in sites",
               ["{{ s.name }}", "{{ s.connected_at or terms.dash }}"], [11.0, 6.0])
        b.tag("{%p if not sites %}")
        b.p("Суды и учреждения не подключались: участие только посредством мобильной ВКС.", indent=False)
        b.tag("{%p endif %}")
        b.heading("3. Участники процесса")
        b.grid(["Фамилия, имя, отчество", "Процессуальное положение", "Способ участия"], "p in participants",
               ["{{ p.name }}", "{{ p.role }}", "{{ p.mode }}{% if p.site %}: {{ p.site }}{% endif %}"
                "{% if p.mobile and p.joined_at %}, подключение {{ p.joined_at }}{% endif %}"], [5.5, 4.0, 7.5])
        b.heading("4. Проверка явки, установление личности и полномочий (пункт 20 Правил)")
        b.grid(["Время", "Участник", "Результат", "Документ, полномочия", "Проверил(а)"], "c in checks",
               ["{{ c.at }}", "{{ c.name }} ({{ c.role }})", "{{ c.result }}{% if c.note %}; {{ c.note }}{% endif %}",
                "{{ c.document or terms.dash }}{% if c.authority %}; {{ c.authority }}{% endif %}",
                "{{ c.checked_by }}, {{ c.checked_by_org }}"], [2.6, 3.6, 4.0, 3.4, 3.4])
        b.tag("{%p if not checks %}")
        b.p("Проверки в системе не зафиксированы.", indent=False)
        b.tag("{%p endif %}")
        b.heading("5. Перерывы по техническим причинам и повторные соединения (пункт 22 Правил)")
        b.items("b in breaks", "— перерыв объявлен {{ b.declared_at }}{% if b.reason %} ({{ b.reason }}){% endif %}; "
                "{% if b.resumed_at %}соединение восстановлено, заседание продолжено {{ b.resumed_at }}"
                "{% else %}заседание после перерыва не продолжено{% endif %}")
        b.tag("{%p if not breaks %}")
        b.p("Перерывы по техническим причинам не объявлялись.", indent=False)
        b.tag("{%p endif %}")
        b.heading("6. Ход сеанса ВКС")
        b.grid(["Время", "Событие"], "e in events",
               ["{{ e.at }}", "{{ e.text }}{% if e.detail %}: {{ e.detail }}{% endif %}"], [3.5, 13.5])
        b.signatures([("Председательствующий судья", "{{ hearing.judge }}"),
                      ("Секретарь судебного заседания", "{{ hearing.secretary }}")])
    else:
        b.meta("Іс № {{ hearing.case_number }}", "{{ doc.date_words }}")
        b.title("СОТ ОТЫРЫСЫНЫҢ ХАТТАМАСЫНДАҒЫ БЕЛГІ",
                "бейнеконференцбайланысты (БКБ){% if protocol.uses_mobile %} және мобильді "
                "бейнеконференцбайланысты{% endif %} қолдану туралы")
        b.p("№ {{ hearing.case_number }} іс бойынша (іс санаты: {{ hearing.category }}; {{ hearing.instance }}) "
            "{{ hearing.starts_at }} тағайындалған сот отырысы Бейнеконференцбайланыс құралдарын техникалық "
            "қолдану қағидаларының 21-тармағына сәйкес бейнеконференцбайланыс (БКБ) жүйесін"
            "{% if protocol.uses_mobile %} және мобильді бейнеконференцбайланысты{% endif %} қолдана отырып "
            "өткізілді. Байланыс {{ protocol.connected_at }} орнатылды{% if protocol.called_in_at %}, іске "
            "қатысушы адамдар сот отырысы залына {{ protocol.called_in_at }} шақырылды{% endif %}"
            "{% if protocol.closed_at %}, БКБ сеансы {{ protocol.closed_at }} аяқталды{% endif %}.")
        b.heading("1. Сот")
        b.fields([("Сот, зал", "{{ court.name }}, {{ hearing.courtroom }}"),
                  ("Төрағалық етуші судья", "{{ hearing.judge }}"),
                  ("Сот отырысының хатшысы", "{{ hearing.secretary }}")])
        b.heading("2. Бейнеконференцбайланыс тараптары")
        b.grid(["Сот, мекеме, үй-жай", "БКБ сеансына қосылған уақыты"], "s in sites",
               ["{{ s.name }}", "{{ s.connected_at or terms.dash }}"], [11.0, 6.0])
        b.tag("{%p if not sites %}")
        b.p("Соттар мен мекемелер қосылған жоқ: қатысу тек мобильді БКБ арқылы.", indent=False)
        b.tag("{%p endif %}")
        b.heading("3. Процеске қатысушылар")
        b.grid(["Тегі, аты, әкесінің аты", "Процестік жағдайы", "Қатысу тәсілі"], "p in participants",
               ["{{ p.name }}", "{{ p.role }}", "{{ p.mode }}{% if p.site %}: {{ p.site }}{% endif %}"
                "{% if p.mobile and p.joined_at %}, қосылған уақыты {{ p.joined_at }}{% endif %}"], [5.5, 4.0, 7.5])
        b.heading("4. Келуін тексеру, жеке басын және өкілеттігін анықтау (Қағидалардың 20-тармағы)")
        b.grid(["Уақыты", "Қатысушы", "Нәтижесі", "Құжат, өкілеттік", "Тексерген"], "c in checks",
               ["{{ c.at }}", "{{ c.name }} ({{ c.role }})", "{{ c.result }}{% if c.note %}; {{ c.note }}{% endif %}",
                "{{ c.document or terms.dash }}{% if c.authority %}; {{ c.authority }}{% endif %}",
                "{{ c.checked_by }}, {{ c.checked_by_org }}"], [2.6, 3.6, 4.0, 3.4, 3.4])
        b.tag("{%p if not checks %}")
        b.p("Тексерулер жүйеде тіркелмеген.", indent=False)
        b.tag("{%p endif %}")
        b.heading("5. Техникалық себептер бойынша үзілістер және қайта қосылу (Қағидалардың 22-тармағы)")
        b.items("b in breaks", "— үзіліс {{ b.declared_at }} жарияланды{% if b.reason %} ({{ b.reason }}){% endif %}; "
                "{% if b.resumed_at %}байланыс қалпына келтіріліп, отырыс {{ b.resumed_at }} жалғастырылды"
                "{% else %}отырыс үзілістен кейін жалғастырылған жоқ{% endif %}")
        b.tag("{%p if not breaks %}")
        b.p("Техникалық себептер бойынша үзіліс жарияланған жоқ.", indent=False)
        b.tag("{%p endif %}")
        b.heading("6. БКБ сеансының барысы")
        b.grid(["Уақыты", "Оқиға"], "e in events",
               ["{{ e.at }}", "{{ e.text }}{% if e.detail %}: {{ e.detail }}{% endif %}"], [3.5, 13.5])
        b.signatures([("Төрағалық етуші судья", "{{ hearing.judge }}"),
                      ("Сот отырысының хатшысы", "{{ hearing.secretary }}")])


def letter(b: Builder, ru: bool):
    b.issuer(*COURT)
    if ru:
        b.meta("Исх. № {{ doc.number }} от {{ doc.date }}", "{{ doc.date_words }}")
        b.addressee("{{ letter.recipient }}")
        b.title("", "О проведении судебного заседания с применением видеоконференцсвязи")
        b.p("{{ court.name }} в соответствии с пунктом 13 Правил технического применения средств "
            "видеоконференцсвязи сообщает, что судебное заседание по делу № {{ hearing.case_number }} (категория "
            "дела: {{ hearing.category }}; {{ hearing.instance }}) под председательством судьи {{ hearing.judge }} "
            "назначено на {{ letter.hearing_starts_at }} (время г. Астаны) и будет проведено с применением "
            "видеоконференцсвязи (ВКС).")
        b.tag("{%p if test.held %}")
        b.p("Тестовый сеанс ВКС со стороной {{ site.organisation }} ({{ site.room }}) проведён {{ test.held_at }}, "
            "связь работоспособна.")
        b.tag("{%p endif %}")
        b.p("Для принятия организационных мер по проведению судебного заседания просим:")
        b.p("1) обеспечить явку (доставку) указанных ниже лиц в {{ site.room }} не позднее {{ letter.arrive_by }}, "
            "за 30 минут до начала судебного заседания;")
        b.p("2) проверить явку, установить личность явившихся лиц и проверить их полномочия (пункт 20 Правил);")
        b.p("3) обеспечить готовность оборудования ВКС к соединению, которое секретарь судебного заседания "
            "устанавливает за 20–30 минут до начала судебного заседания (пункт 15 Правил).")
        b.grid(["Фамилия, имя, отчество", "Процессуальное положение"], "p in participants",
               ["{{ p.name }}", "{{ p.role }}"], [10.0, 7.0])
        b.tag("{%p if not participants %}")
        b.p("Лица, участвующие в деле с вашей стороны, не указаны.", indent=False)
        b.tag("{%p endif %}")
        b.p("Контактное лицо: секретарь судебного заседания {{ letter.sent_by }}"
            "{% if letter.phone %}, тел. {{ letter.phone }}{% endif %}.")
        b.signatures([("Судья", "{{ hearing.judge }}")])
        b.note("Исполнитель: секретарь судебного заседания {{ letter.sent_by }}. Письмо направлено "
               "{{ letter.sent_at }}.")
        b.tag("{%p if letter.acknowledged %}")
        b.note("Отметка о получении: письмо получено {{ letter.acknowledged_at }}, {{ letter.acknowledged_by }}.")
        b.tag("{%p endif %}")
    else:
        b.meta("Шығыс № {{ doc.number }}, {{ doc.date }}", "{{ doc.date_words }}")
        b.addressee("{{ letter.recipient }}")
        b.title("", "Бейнеконференцбайланысты қолдана отырып сот отырысын өткізу туралы")
        b.p("{{ court.name }} Бейнеконференцбайланыс құралдарын техникалық қолдану қағидаларының 13-тармағына "
            "сәйкес № {{ hearing.case_number }} іс бойынша (іс санаты: {{ hearing.category }}; "
            "{{ hearing.instance }}) судья {{ hearing.judge }} төрағалық ететін сот отырысы "
            "{{ letter.hearing_starts_at }} (Астана уақытымен) тағайындалғанын және бейнеконференцбайланыс (БКБ) "
            "қолданыла отырып өткізілетінін хабарлайды.")
        b.tag("{%p if test.held %}")
        b.p("{{ site.organisation }} тарапымен ({{ site.room }}) БКБ тестілік сеансы {{ test.held_at }} өткізілді, "
            "байланыс жұмысқа қабілетті.")
        b.tag("{%p endif %}")
        b.p("Сот отырысын өткізу бойынша ұйымдастыру шараларын қабылдау үшін мыналарды сұраймыз:")
        b.p("1) төменде көрсетілген адамдардың сот отырысы басталғанға дейін 30 минут бұрын, {{ letter.arrive_by }} "
            "кешіктірмей, БКБ өткізілетін орынға ({{ site.room }}) келуін (жеткізілуін) қамтамасыз ету;")
        b.p("2) келуін тексеру, келген адамдардың жеке басын анықтау және олардың өкілеттіктерін тексеру "
            "(Қағидалардың 20-тармағы);")
        b.p("3) сот отырысының хатшысы сот отырысы басталғанға дейін 20–30 минут бұрын орнататын байланысқа БКБ "
            "жабдығының дайындығын қамтамасыз ету (Қағидалардың 15-тармағы).")
        b.grid(["Тегі, аты, әкесінің аты", "Процестік жағдайы"], "p in participants",
               ["{{ p.name }}", "{{ p.role }}"], [10.0, 7.0])
        b.tag("{%p if not participants %}")
        b.p("Сіздің тарапыңыздан іске қатысатын адамдар көрсетілмеген.", indent=False)
        b.tag("{%p endif %}")
        b.p("Байланыс үшін: сот отырысының хатшысы {{ letter.sent_by }}"
            "{% if letter.phone %}, тел. {{ letter.phone }}{% endif %}.")
        b.signatures([("Судья", "{{ hearing.judge }}")])
        b.note("Орындаған: сот отырысының хатшысы {{ letter.sent_by }}. Хат {{ letter.sent_at }} жіберілді.")
        b.tag("{%p if letter.acknowledged %}")
        b.note("Алғаны туралы белгі: хат {{ letter.acknowledged_at }} алынды, {{ letter.acknowledged_by }}.")
        b.tag("{%p endif %}")


def test_session_request(b: Builder, ru: bool):
    b.issuer(*COURT)
    b.meta(*META)
    if ru:
        b.addressee("Техническому специалисту", "{{ court.name }}")
        b.title("ЗАЯВКА", "о необходимости проведения тестового сеанса видеоконференцсвязи")
        b.p("В соответствии с пунктом 13 Правил технического применения средств видеоконференцсвязи, в связи с "
            "решением судьи {{ hearing.judge }} о проведении судебного заседания по делу № {{ hearing.case_number }} "
            "с применением средств видеоконференцсвязи{% if hearing.decided_at %} (решение принято "
            "{{ hearing.decided_at }}){% endif %}, прошу провести тестовый сеанс видеоконференцсвязи со следующей "
            "стороной:")
        b.fields([("Суд, учреждение", "{{ site.organisation }}"), ("Помещение", "{{ site.room }}"),
                  ("Дата и время судебного заседания", "{{ hearing.starts_at }}"),
                  ("Зал судебного заседания", "{{ hearing.courtroom }}"),
                  ("Провести тестовый сеанс не позднее",
                   "{{ request.deadline }} (не позднее чем за сутки до даты судебного заседания)")])
        b.heading("Отметка об исполнении")
        b.fields([("Состояние", "{{ test.status }}"), ("Назначен на", "{{ test.scheduled_at or terms.dash }}"),
                  ("Проведён", "{{ test.held_at or terms.dash }}"),
                  ("Технический специалист", "{{ test.technician or terms.dash }}"),
                  ("Примечание", "{{ test.notes or terms.dash }}")])
        b.signatures([("Секретарь судебного заседания", "{{ request.requested_by }}")])
        b.note("Заявка направлена {{ request.requested_at }} посредством внутренней информационной системы.")
    else:
        b.addressee("Техникалық маманға", "{{ court.name }}")
        b.title("ӨТІНІМ", "бейнеконференцбайланыстың тестілік сеансын өткізу қажеттілігі туралы")
        b.p("Бейнеконференцбайланыс құралдарын техникалық қолдану қағидаларының 13-тармағына сәйкес, судья "
            "{{ hearing.judge }} № {{ hearing.case_number }} іс бойынша сот отырысын бейнеконференцбайланыс "
            "құралдарын қолдана отырып өткізу туралы шешім қабылдауына байланысты{% if hearing.decided_at %} "
            "(шешім {{ hearing.decided_at }} қабылданды){% endif %}, мына тараппен бейнеконференцбайланыстың "
            "тестілік сеансын өткізуді сұраймын:")
        b.fields([("Сот, мекеме", "{{ site.organisation }}"), ("Үй-жай", "{{ site.room }}"),
                  ("Сот отырысының күні мен уақыты", "{{ hearing.starts_at }}"),
                  ("Сот отырысы залы", "{{ hearing.courtroom }}"),
                  ("Тестілік сеансты өткізудің соңғы күні",
                   "{{ request.deadline }} (сот отырысы күнінен кемінде бір тәулік бұрын)")])
        b.heading("Орындалуы туралы белгі")
        b.fields([("Жай-күйі", "{{ test.status }}"), ("Тағайындалған уақыты", "{{ test.scheduled_at or terms.dash }}"),
                  ("Өткізілген уақыты", "{{ test.held_at or terms.dash }}"),
                  ("Техникалық маман", "{{ test.technician or terms.dash }}"),
                  ("Ескертпе", "{{ test.notes or terms.dash }}")])
        b.signatures([("Сот отырысының хатшысы", "{{ request.requested_by }}")])
        b.note("Өтінім ішкі ақпараттық жүйе арқылы {{ request.requested_at }} жіберілді.")


def suspension_notice(b: Builder, ru: bool):
    b.issuer("{{ suspension.institution }}")
    b.meta(*META)
    rooms = "{% if rooms %} ({{ rooms|join(', ') }}){% endif %}"
    if ru:
        b.addressee("{{ court.name }}", "председательствующий по делу № {{ hearing.case_number }}: судья "
                    "{{ hearing.judge }}")
        b.title("УВЕДОМЛЕНИЕ", "о приостановлении проведения видеоконференцсвязи")
        b.p("{{ suspension.institution }} в соответствии с пунктом 24 Правил технического применения средств "
            "видеоконференцсвязи уведомляет, что с {{ suspension.starts_at }} проведение видеоконференцсвязи "
            "приостановлено.")
        b.fields([("Основание", "{{ suspension.reason }}"), ("Обстоятельства", "{{ suspension.details or terms.dash }}"),
                  ("Приостановлено с", "{{ suspension.starts_at }}"),
                  ("Ожидаемый срок окончания", "{{ suspension.expected_end }}"),
                  ("Решение о приостановлении принято", "{{ suspension.declared_at }}, {{ suspension.declared_by }}")])
        b.p("В связи с этим судебное заседание по делу № {{ hearing.case_number }}, назначенное на "
            "{{ hearing.starts_at }} ({{ court.name }}, {{ hearing.courtroom }}), не может быть проведено с "
            "применением видеоконференцсвязи с участием учреждения" + rooms + " до отмены приостановления. "
            "О возобновлении проведения видеоконференцсвязи будет сообщено дополнительно.")
        b.signatures([("Ответственный сотрудник учреждения", "{{ suspension.declared_by }}")])
        b.tag("{%p if suspension.lifted %}")
        b.note("Приостановление отменено {{ suspension.lifted_at }}, {{ suspension.lifted_by }}.")
        b.tag("{%p endif %}")
    else:
        b.addressee("{{ court.name }}", "№ {{ hearing.case_number }} іс бойынша төрағалық етуші: судья "
                    "{{ hearing.judge }}")
        b.title("ХАБАРЛАМА", "бейнеконференцбайланыс өткізуді тоқтата тұру туралы")
        b.p("{{ suspension.institution }} Бейнеконференцбайланыс құралдарын техникалық қолдану қағидаларының "
            "24-тармағына сәйкес {{ suspension.starts_at }} бастап бейнеконференцбайланыс өткізу тоқтатыла "
            "тұрғанын хабарлайды.")
        b.fields([("Негіз", "{{ suspension.reason }}"), ("Мән-жайлары", "{{ suspension.details or terms.dash }}"),
                  ("Тоқтатыла тұрған уақыты", "{{ suspension.starts_at }}"),
                  ("Күтілетін аяқталу мерзімі", "{{ suspension.expected_end }}"),
                  ("Тоқтата тұру туралы шешім қабылданды",
                   "{{ suspension.declared_at }}, {{ suspension.declared_by }}")])
        b.p("Осыған байланысты № {{ hearing.case_number }} іс бойынша {{ hearing.starts_at }} тағайындалған сот "
            "отырысы ({{ court.name }}, {{ hearing.courtroom }}) тоқтата тұру алынғанға дейін мекеменің "
            "қатысуымен" + rooms + " бейнеконференцбайланыс қолданыла отырып өткізілмейді. "
            "Бейнеконференцбайланыс өткізуді қайта бастау туралы қосымша хабарланады.")
        b.signatures([("Мекеменің жауапты қызметкері", "{{ suspension.declared_by }}")])
        b.tag("{%p if suspension.lifted %}")
        b.note("Тоқтата тұру {{ suspension.lifted_at }} алынды, {{ suspension.lifted_by }}.")
        b.tag("{%p endif %}")


BUILDERS = {"act": act, "protocol_mark": protocol_mark, "letter": letter,
            "test_session_request": test_session_request, "suspension_notice": suspension_notice}


def build_all(out_dir: Path = DOCX_DIR) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, build in BUILDERS.items():
        for language in ("kk", "ru"):
            builder = Builder()
            build(builder, language == "ru")
            path = out_dir / f"{kind}.{language}.docx"
            builder.save(path)
            written.append(path)
    return written
