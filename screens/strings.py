"""Every word the resident reads, in Korean and English, keyed by the codes in kiosk.views.

One table so a translator (and later the voice guidance) works from one place. Codes the table
does not know fall back to a generic sentence of their family (`reason.*`, `notice.*`, ...), so a
new controller code never shows a blank or a raw identifier to a resident.
"""

from __future__ import annotations

from common.languages import LANGUAGES

STRINGS: dict[str, dict[str, str]] = {
    # --- frame ---------------------------------------------------------------------------
    "kiosk.title": {"ko": "무인민원발급기", "en": "Civil Document Kiosk"},
    "button.cancel": {"ko": "취소", "en": "Cancel"},
    "button.ok": {"ko": "확인", "en": "OK"},
    "button.next": {"ko": "다음", "en": "Next"},
    "button.done": {"ko": "처음으로", "en": "Finish"},
    "button.page_next": {"ko": "다음 목록", "en": "More"},
    "button.page_prev": {"ko": "이전 목록", "en": "Back"},
    "page.of": {"ko": "{page} / {pages}쪽", "en": "Page {page} of {pages}"},
    "lang.ko": {"ko": "한국어", "en": "한국어"},
    "lang.en": {"ko": "English", "en": "English"},
    "wait": {"ko": "잠시만 기다려 주세요", "en": "Please wait"},
    "time_left": {"ko": "남은 시간 {time}", "en": "Time left {time}"},
    "fee.free": {"ko": "무료", "en": "Free"},
    "won": {"ko": "{amount}원", "en": "{amount} won"},
    # --- idle ----------------------------------------------------------------------------
    "idle.touch": {"ko": "화면을 눌러 시작하세요", "en": "Touch the screen to start"},
    "idle.what": {
        "ko": "주민등록표 등·초본, 가족관계증명서, 지방세 증명, 토지·건축물대장",
        "en": "Resident registration, family relations, local tax, land and building registers",
    },
    "idle.open": {"ko": "지금 발급할 수 있습니다", "en": "Documents can be issued now"},
    "idle.closed": {"ko": "지금은 발급할 수 없습니다", "en": "Documents cannot be issued now"},
    # --- documents -----------------------------------------------------------------------
    "doc.resident_copy": {"ko": "주민등록표 등본", "en": "Resident registration (household)"},
    "doc.resident_abstract": {"ko": "주민등록표 초본", "en": "Resident registration (individual)"},
    "doc.family_relations": {"ko": "가족관계증명서", "en": "Family relations certificate"},
    "doc.local_tax": {"ko": "지방세 세목별 과세증명서", "en": "Local tax certificate by item"},
    "doc.land_register": {"ko": "토지대장", "en": "Land register"},
    "doc.building_register": {"ko": "건축물대장", "en": "Building register"},
    "doc._unknown": {"ko": "민원 서류", "en": "Document"},
    "choose.title": {"ko": "발급할 서류를 고르세요", "en": "Choose a document"},
    "choose.fee": {"ko": "수수료 {fee}", "en": "Fee {fee}"},
    "choose.identity": {"ko": "지문 확인", "en": "Fingerprint"},
    "choose.no_identity": {"ko": "본인 확인 없이 발급", "en": "No ID check needed"},
    # --- options -------------------------------------------------------------------------
    "options.title": {"ko": "발급 내용을 고르세요", "en": "Choose what to include"},
    "options.none": {"ko": "고를 사항이 없습니다", "en": "Nothing to choose for this document"},
    "opt.include_past_addresses": {"ko": "과거 주소 변동 사항 포함", "en": "Include past addresses"},
    "opt.show_member_numbers": {
        "ko": "세대원 주민등록번호 뒷자리 표시",
        "en": "Show members' full resident numbers",
    },
    "opt.address_history": {"ko": "주소 변동 이력 포함", "en": "Include address history"},
    "opt.military_service": {"ko": "병역 사항 포함", "en": "Include military service record"},
    "opt.detailed": {"ko": "상세 증명서로 발급", "en": "Detailed certificate"},
    "opt.general": {"ko": "일반 증명서로 발급", "en": "General certificate"},
    "opt.title_section": {"ko": "표제부만 발급", "en": "Title section only"},
    "opt._unknown": {"ko": "추가 선택 사항", "en": "Additional option"},
    "copies.label": {"ko": "발급 부수", "en": "Copies"},
    "copies.value": {"ko": "{n}부", "en": "{n}"},
    "copies.max": {"ko": "최대 {n}부", "en": "Up to {n}"},
    "total.line": {"ko": "{fee} × {n}부", "en": "{fee} × {n}"},
    "total.label": {"ko": "합계", "en": "Total"},
    # --- resident number -----------------------------------------------------------------
    "resident.title": {"ko": "주민등록번호를 입력하세요", "en": "Enter your resident registration number"},
    "resident.sub": {
        "ko": "13자리 숫자 · 뒤 6자리는 화면에 보이지 않습니다",
        "en": "13 digits. The last 6 never appear on screen.",
    },
    "key.back": {"ko": "한 칸 지움", "en": "Delete"},
    "key.clear": {"ko": "전체 지움", "en": "Clear"},
    "error.invalid-date": {
        "ko": "생년월일이 올바르지 않습니다. 다시 확인해 주세요",
        "en": "The date of birth is not valid. Please check it.",
    },
    "error.future-date": {
        "ko": "생년월일이 오늘보다 뒤입니다. 앞 7자리를 다시 확인해 주세요",
        "en": "That date of birth is in the future. Please check the first 7 digits.",
    },
    "error.no-match": {
        "ko": "주민등록번호나 지문이 일치하지 않습니다. 번호를 확인하고 다시 입력해 주세요",
        "en": "The number or the fingerprint did not match. Please check the number and enter it again.",
    },
    "error.invalid-sex-digit": {
        "ko": "뒷자리 첫 숫자가 올바르지 않습니다",
        "en": "The 7th digit is not valid.",
    },
    "error.incomplete": {"ko": "13자리를 모두 입력해 주세요", "en": "Please enter all 13 digits."},
    "error._unknown": {"ko": "입력한 번호를 다시 확인해 주세요", "en": "Please check the number."},
    # --- parcel (lot number) -------------------------------------------------------------
    "parcel.title": {"ko": "지번을 입력하세요", "en": "Enter the lot number"},
    "parcel.title.land_register": {"ko": "토지 지번을 입력하세요", "en": "Enter the lot number"},
    "parcel.title.building_register": {
        "ko": "건축물이 있는 지번을 입력하세요",
        "en": "Enter the lot number of the building",
    },
    "parcel.sub": {
        "ko": "본번을 누르고, 부번이 있으면 - 다음에 누르세요",
        "en": "Main number, then - and the sub number if there is one",
    },
    "parcel.district": {"ko": "소재지  {district}", "en": "Location: {district}"},
    "parcel.hint": {"ko": "예: 123-4", "en": "e.g. 123-4"},
    "key.dash": {"ko": "부번 입력", "en": "Sub number"},
    "lot_error.incomplete": {"ko": "지번을 끝까지 입력해 주세요", "en": "Please finish the lot number."},
    "lot_error.not-found": {
        "ko": "이 동네에 없는 지번입니다. 다시 확인해 주세요",
        "en": "There is no such lot number here. Please check it.",
    },
    "lot_error._unknown": {"ko": "지번을 다시 확인해 주세요", "en": "Please check the lot number."},
    # --- fingerprint ---------------------------------------------------------------------
    "fingerprint.title": {"ko": "지문으로 본인을 확인합니다", "en": "Confirm it is you: fingerprint"},
    "fingerprint.attempt": {"ko": "{attempt} / {max}번째 시도", "en": "Attempt {attempt} of {max}"},
    "fingerprint.retype": {"ko": "번호 다시 입력", "en": "Retype number"},
    "fingerprint.reregister": {
        "ko": "계속 안 되면 가까운 주민센터에서 지문을 다시 등록해 주세요",
        "en": "If it keeps failing, re-register your fingerprints at a community centre.",
    },
    "guidance.place": {"ko": "손가락을 센서 위에 올려 주세요", "en": "Place your finger on the sensor"},
    "guidance.reading": {
        "ko": "읽고 있습니다. 손가락을 움직이지 마세요",
        "en": "Reading. Keep your finger still",
    },
    "guidance.press_harder": {"ko": "조금 더 세게 눌러 주세요", "en": "Press a little harder"},
    "guidance.too_dry": {
        "ko": "손가락이 건조합니다. 입김을 불고 다시 올려 주세요",
        "en": "Your finger is dry. Breathe on it and try again",
    },
    "guidance.too_wet": {
        "ko": "손가락의 물기를 닦고 다시 올려 주세요",
        "en": "Dry your finger and try again",
    },
    "guidance.partial": {
        "ko": "손가락 끝 전체가 닿도록 가운데에 올려 주세요",
        "en": "Place your whole fingertip in the middle",
    },
    "guidance.lift_and_place": {
        "ko": "손가락을 떼었다가 다시 올려 주세요",
        "en": "Lift your finger, then place it again",
    },
    "guidance.verifying": {"ko": "본인 확인 중입니다", "en": "Checking your identity"},
    "guidance.no_match": {
        "ko": "주민등록번호나 지문이 일치하지 않습니다",
        "en": "The number or the fingerprint did not match",
    },
    "guidance.lift": {"ko": "손가락을 센서에서 떼어 주세요", "en": "Lift your finger off the sensor"},
    "guidance.fake_finger": {
        "ko": "지문을 읽을 수 없습니다. 맨손가락을 올려 주세요",
        "en": "The fingerprint cannot be read. Use a bare finger",
    },
    "guidance.unavailable": {
        "ko": "지문 인식기를 사용할 수 없습니다",
        "en": "The fingerprint reader is not working",
    },
    "guidance._unknown": {"ko": "센서를 확인해 주세요", "en": "Please look at the sensor"},
    # --- payment -------------------------------------------------------------------------
    "payment.title": {"ko": "요금을 넣어 주세요", "en": "Please pay the fee"},
    "payment.due": {"ko": "남은 금액", "en": "Still to pay"},
    "payment.total": {"ko": "결제 금액", "en": "Amount"},
    "payment.paid": {"ko": "넣은 금액", "en": "Paid"},
    "payment.accepts": {"ko": "사용할 수 있는 돈", "en": "You can pay with"},
    "payment.no_receipt": {
        "ko": "영수증 용지가 없어 영수증은 출력되지 않습니다",
        "en": "No receipt paper: no receipt will be printed",
    },
    "payment.summary": {"ko": "{doc} {n}부", "en": "{doc} × {n}"},
    "accept.coins": {"ko": "동전", "en": "Coins"},
    "accept.bills:1000": {"ko": "1,000원권", "en": "1,000 won bills"},
    "accept.bills:5000": {"ko": "5,000원권", "en": "5,000 won bills"},
    "accept.bills:10000": {"ko": "10,000원권", "en": "10,000 won bills"},
    "accept.bills:50000": {"ko": "50,000원권", "en": "50,000 won bills"},
    "accept.card": {"ko": "카드", "en": "Card"},
    "accept._unknown": {"ko": "기타", "en": "Other"},
    "pay.card": {"ko": "카드로 결제하기", "en": "Pay by card"},
    "hint.exact-or-1000-only": {
        "ko": "거스름돈이 적습니다. 동전이나 1,000원권으로 내 주세요",
        "en": "Little change left: please use coins or 1,000 won bills",
    },
    "hint.exact-only": {
        "ko": "거스름돈이 없습니다. 금액에 꼭 맞게 넣어 주세요",
        "en": "No change available: please pay the exact amount",
    },
    "hint.coins-only": {"ko": "지금은 동전만 받을 수 있습니다", "en": "Only coins are accepted right now"},
    "hint._unknown": {"ko": "안내에 따라 요금을 넣어 주세요", "en": "Please pay as shown"},
    "msg.coin-rejected": {
        "ko": "동전이 반환되었습니다. 다시 넣어 주세요",
        "en": "The coin was returned. Please try again",
    },
    "msg.foreign-coin": {
        "ko": "사용할 수 없는 동전입니다. 반환구에서 꺼내 주세요",
        "en": "This coin cannot be used. Take it from the return tray",
    },
    "msg.bill-returned-no-change": {
        "ko": "거스름돈이 부족해 지폐를 돌려드렸습니다",
        "en": "Not enough change: your bill was returned",
    },
    "msg.bill-rejected": {
        "ko": "지폐를 읽지 못했습니다. 펴서 다시 넣어 주세요",
        "en": "The bill could not be read. Flatten it and try again",
    },
    "hint.bills-limited": {
        "ko": "거스름돈이 부족해 일부 지폐는 받을 수 없습니다",
        "en": "Little change left: some bills cannot be accepted",
    },
    "msg.card-insert": {"ko": "카드를 투입구에 넣어 주세요", "en": "Please insert your card"},
    "msg.card-reading": {
        "ko": "카드를 읽고 있습니다. 카드를 빼지 마세요",
        "en": "Reading your card. Do not remove it",
    },
    "msg.card-authorising": {
        "ko": "카드 승인 중입니다. 카드를 빼지 마세요",
        "en": "Waiting for approval. Do not remove your card",
    },
    "msg.card-unreadable": {
        "ko": "카드를 읽을 수 없습니다. 다른 카드를 사용해 주세요",
        "en": "The card could not be read. Please try another card",
    },
    "msg.card-unavailable": {
        "ko": "지금은 카드 결제를 할 수 없습니다. 현금으로 내 주세요",
        "en": "Card payment is not possible now. Please pay in cash",
    },
    "msg.card-declined": {"ko": "카드 결제가 거절되었습니다", "en": "The card was declined"},
    "msg.card-removed": {
        "ko": "카드가 빠졌습니다. 결제되지 않았습니다. 다시 넣어 주세요",
        "en": "The card was removed. Nothing was charged. Please insert it again",
    },
    "msg._unknown": {"ko": "다시 시도해 주세요", "en": "Please try again"},
    # --- issuing / printing --------------------------------------------------------------
    "issuing.title": {"ko": "서류를 준비하고 있습니다", "en": "Preparing your document"},
    "step.reserving": {
        "ko": "발급할 수 있는지 확인하고 있습니다. 요금은 다음 화면에서 받습니다",
        "en": "Checking the document can be issued; you pay on the next screen",
    },
    "step.verifying": {"ko": "발급 내용을 확인하고 있습니다", "en": "Checking your request"},
    "step._unknown": {"ko": "처리하고 있습니다", "en": "Working"},
    "printing.title": {"ko": "서류를 출력하고 있습니다", "en": "Printing your document"},
    "printing.pages": {"ko": "{done} / {total}쪽", "en": "Page {done} of {total}"},
    "printing.take": {
        "ko": "출력이 끝나면 서류를 꼭 가져가세요",
        "en": "Take your document when printing ends",
    },
    "status.waiting-for-paper": {
        "ko": "용지를 기다리고 있습니다. 요금은 안전하게 보관됩니다",
        "en": "Waiting for paper. Your payment is safe",
    },
    "status.printing-receipt": {"ko": "영수증을 출력하고 있습니다", "en": "Printing your receipt"},
    "status.queued": {"ko": "출력을 준비하고 있습니다", "en": "Getting the printer ready"},
    "status.printing": {"ko": "출력 중입니다", "en": "Printing"},
    "status._unknown": {"ko": "출력 중입니다", "en": "Printing"},
    # --- done ----------------------------------------------------------------------------
    "outcome.issued": {"ko": "발급이 끝났습니다", "en": "Your document is ready"},
    "outcome.cancelled": {"ko": "취소되었습니다", "en": "Cancelled"},
    "outcome.refunded": {"ko": "돈을 돌려드렸습니다", "en": "Your money was returned"},
    "outcome.failed": {"ko": "발급하지 못했습니다", "en": "The document could not be issued"},
    "outcome.partial": {"ko": "신청하신 {copies}부 중 {printed}부를 발급했습니다",
                        "en": "{printed} of the {copies} copies you ordered were issued"},
    "outcome.timed_out": {"ko": "시간이 지나 거래를 마쳤습니다", "en": "Time ran out"},
    "outcome._unknown": {"ko": "거래를 마쳤습니다", "en": "Finished"},
    "done.take": {"ko": "서류와 영수증을 꼭 가져가세요", "en": "Please take your document and receipt"},
    "done.take_document": {"ko": "서류를 꼭 가져가세요", "en": "Please take your document"},
    "done.change": {"ko": "거스름돈 {amount}을 꺼내 가세요", "en": "Take your change: {amount}"},
    "done.refund": {"ko": "{amount}을 돌려드렸습니다", "en": "{amount} was returned to you"},
    "done.voucher": {"ko": "환불 확인 번호", "en": "Refund voucher number"},
    "done.voucher_help": {
        "ko": "이 번호를 적거나 사진으로 찍어 주민센터에 보여 주시면 돌려드립니다",
        "en": "Write this number down or take a photo, and show it at a community centre for a refund",
    },
    "done.partial_fee": {"ko": "발급된 {printed}부의 요금 {fee}만 받았습니다",
                         "en": "You paid only for the {printed} issued: {fee}"},
    "done.settling": {"ko": "금액을 정산하고 있습니다. 잠시만 기다려 주세요",
                      "en": "Settling your payment. Please wait"},
    "done.ok_pressed": {"ko": "확인을 누르셨습니다. 정산이 끝나는 대로 처리합니다",
                        "en": "OK noted: it takes effect as soon as settling is done"},
    "done.receipt_failed": {"ko": "영수증은 출력되지 않았습니다", "en": "No receipt was printed"},
    # --- reasons (closed, unavailable, out of service, done) ------------------------------
    "reason.outside-hours": {"ko": "지금은 발급 시간이 아닙니다", "en": "Outside issuing hours"},
    "reason.server-unavailable": {
        "ko": "발급 서버에 연결할 수 없습니다",
        "en": "The issuing server cannot be reached",
    },
    "reason.fingerprint-unavailable": {
        "ko": "지문 인식기를 사용할 수 없습니다",
        "en": "The fingerprint reader is not working",
    },
    "reason.not-in-catalog": {
        "ko": "이 무인민원발급기에서는 발급하지 않는 서류입니다",
        "en": "This document is not issued at this kiosk",
    },
    "reason.a4-paper-out": {"ko": "서류 용지가 떨어졌습니다", "en": "Out of document paper"},
    "reason.a4-paper-jam": {"ko": "서류 프린터에 종이가 걸렸습니다", "en": "Paper jam in the document printer"},
    "reason.a4-toner-out": {"ko": "서류 프린터의 토너가 떨어졌습니다", "en": "The document printer is out of toner"},
    "reason.print-partial": {
        "ko": "신청한 부수를 다 출력하지 못했습니다. 출력되지 않은 부수의 요금은 돌려드립니다",
        "en": "Not every copy could be printed. The fee for the missing copies is returned",
    },
    "reason.a4-printer-unavailable": {
        "ko": "서류 프린터를 사용할 수 없습니다",
        "en": "The document printer is not working",
    },
    "reason.cash-unavailable": {"ko": "요금을 받을 수 없습니다", "en": "Payment is not possible"},
    "reason.recovery-needs-technician": {
        "ko": "점검이 필요합니다. 관리자에게 알렸습니다",
        "en": "A technician is needed and has been told",
    },
    "reason.door-open": {"ko": "점검 중입니다", "en": "Under maintenance"},
    "reason.maintenance": {"ko": "점검 중입니다", "en": "Under maintenance"},
    "reason.too-hot": {"ko": "기기가 너무 뜨거워 잠시 멈췄습니다", "en": "Paused: the kiosk is too hot"},
    "reason.too-cold": {"ko": "기기가 너무 차가워 잠시 멈췄습니다", "en": "Paused: the kiosk is too cold"},
    "reason.no-change": {"ko": "거스름돈이 부족합니다", "en": "Not enough change"},
    "reason.resident-cancelled": {"ko": "요청하신 대로 취소했습니다", "en": "Cancelled as you asked"},
    "reason.identity-failed": {
        "ko": "본인 확인을 하지 못했습니다",
        "en": "Your identity could not be confirmed",
    },
    "reason.fingerprint-no-match": {
        "ko": "주민등록번호나 지문이 일치하지 않아 본인 확인을 하지 못했습니다. "
        "번호가 맞는데도 계속 안 되면 가까운 주민센터에서 지문을 다시 등록해 주세요",
        "en": "The number or the fingerprint did not match. If the number is right and it keeps "
        "failing, re-register your fingerprints at a community centre",
    },
    "reason.fingerprint-unreadable": {
        "ko": "지문을 읽지 못했습니다. 가까운 주민센터에서 지문을 다시 등록해 주세요",
        "en": "Your fingerprint could not be read. Please re-register it at a community centre",
    },
    "reason.fingerprint-fake": {
        "ko": "맨손가락의 지문만 확인할 수 있습니다. 도움이 필요하면 주민센터를 찾아 주세요",
        "en": "Only a bare finger can be checked. A community centre can help you",
    },
    "reason.identity-locked": {
        "ko": "지문 확인에 여러 번 실패해 이 번호의 지문 확인이 잠겼습니다. "
        "주민센터에서 지문을 다시 등록해야 다시 이용할 수 있습니다",
        "en": "Too many failed fingerprint checks: fingerprint checks for this number are locked "
        "until you re-register your fingerprints at a community centre",
    },
    "reason.identity-not-enrolled": {
        "ko": "등록된 지문이 없습니다. 가까운 주민센터에서 지문을 등록해 주세요",
        "en": "No fingerprints are on record. Please register them at a community centre",
    },
    "reason.not-eligible": {
        "ko": "이 서류를 발급할 수 없는 대상입니다",
        "en": "This document cannot be issued to you here",
    },
    "reason.no-tax-record": {"ko": "과세 기록이 없습니다", "en": "No tax record was found"},
    "reason.print-failed": {"ko": "출력 중 문제가 생겼습니다", "en": "A printing problem occurred"},
    "reason.payment-failed": {"ko": "결제 중 문제가 생겼습니다", "en": "A payment problem occurred"},
    "reason.closed-by-operator": {"ko": "관리자가 발급을 잠시 멈췄습니다", "en": "Closed for now by the operator"},
    "reason.document-not-genuine": {
        "ko": "서류를 확인할 수 없어 발급하지 않았습니다. 요금은 돌려드렸습니다",
        "en": "The document could not be verified, so it was not printed. Your fee was returned",
    },
    "reason.walked-away": {"ko": "아무 입력이 없어 거래를 마쳤습니다. 넣으신 돈은 돌려드렸습니다",
                           "en": "No one answered, so the session ended. Any money put in was returned"},
    "reason.fee-mismatch": {
        "ko": "서버가 알려온 요금이 안내한 요금과 달라 발급하지 않았습니다. 돈은 받지 않았습니다",
        "en": "The server asked a different fee than the one shown, so nothing was issued and no money was taken",
    },
    "reason.document-refused": {"ko": "이 서류는 지금 발급할 수 없습니다", "en": "This document cannot be issued now"},
    "reason.reservation-expired": {
        "ko": "결제 시간이 지나 발급을 취소했습니다. 넣으신 돈은 돌려드렸습니다",
        "en": "Payment took too long: the issuance was cancelled and your money returned",
    },
    "reason.timeout": {"ko": "응답이 없어 거래를 마쳤습니다", "en": "No answer, so the session ended"},
    "reason.journal-corrupt": {
        "ko": "거래 기록 파일이 손상되어 운영을 멈췄습니다",
        "en": "The kiosk's transaction record is damaged, so the kiosk has stopped",
    },
    "reason.journal-unwritable": {
        "ko": "거래 기록을 저장할 수 없어 운영을 멈췄습니다. 넣으신 돈은 주민센터에 문의해 주세요",
        "en": "The kiosk cannot save its transaction record and has stopped. "
        "Ask a community centre about any money you put in",
    },
    "reason.settling-failed": {
        "ko": "넣으신 돈을 지금 돌려드리지 못했습니다. 기록은 남아 있으니 주민센터에 문의해 주세요",
        "en": "Your money could not be returned just now. It is on record: ask a community centre about it",
    },
    "reason._unknown": {"ko": "일시적인 문제가 생겼습니다", "en": "A temporary problem occurred"},
    # --- notices -------------------------------------------------------------------------
    "notice.receipt-paper-out": {
        "ko": "영수증 용지가 없어 영수증은 출력되지 않습니다",
        "en": "No receipt paper: receipts cannot be printed",
    },
    "notice.receipt-unavailable": {
        "ko": "영수증 프린터가 멈춰 영수증은 출력되지 않습니다",
        "en": "The receipt printer is not working: no receipt will be printed",
    },
    "notice.receipt-paper-low": {
        "ko": "영수증 용지가 얼마 남지 않았습니다",
        "en": "Receipt paper is running low",
    },
    "notice.a4-paper-low": {"ko": "서류 용지가 얼마 남지 않았습니다", "en": "Document paper is running low"},
    "notice.low-change": {
        "ko": "거스름돈이 적습니다. 금액에 맞게 내 주세요",
        "en": "Little change left: please pay the exact amount",
    },
    "notice.card-unavailable": {
        "ko": "지금은 카드 결제를 할 수 없습니다",
        "en": "Card payment is not available now",
    },
    "notice.cash-unavailable": {"ko": "지금은 현금을 받을 수 없습니다", "en": "Cash is not accepted now"},
    "notice.bills-unavailable": {
        "ko": "지금은 지폐를 받을 수 없습니다. 동전으로 내 주세요",
        "en": "Bills cannot be taken now: please pay with coins",
    },
    "notice.fingerprint-unavailable": {
        "ko": "지문 인식기가 멈춰 본인 확인 서류는 발급할 수 없습니다",
        "en": "Fingerprint reader down: documents needing ID are unavailable",
    },
    "notice.closing-soon": {"ko": "곧 발급 시간이 끝납니다", "en": "Issuing hours end soon"},
    "notice._unknown": {"ko": "일부 기능을 사용할 수 없습니다", "en": "Some functions are unavailable"},
    # --- out of service / maintenance / boot ---------------------------------------------
    "out.title": {"ko": "지금은 이용할 수 없습니다", "en": "Out of service"},
    "out.since": {"ko": "{since}부터", "en": "Since {since}"},
    "out.help": {
        "ko": "가까운 다른 무인민원발급기나 주민센터를 이용해 주세요",
        "en": "Please use another kiosk or a community centre nearby",
    },
    # What the technician who walks up must do (only reasons that need a hand have one).
    "tech.journal-corrupt": {
        "ko": "관리자 안내: 거래 기록 파일 {journal}은(는) 발견된 그대로 두었습니다. "
        "시청에 낼 사본을 저장한 뒤 파일을 다른 곳으로 옮기고 키오스크를 다시 시작하세요",
        "en": "Technician: the journal {journal} was left as found. Save a copy for the city, "
        "then move the file aside and restart the kiosk",
    },
    "tech.journal-unwritable": {
        "ko": "관리자 안내: 거래 기록 파일 {journal}에 쓸 수 없습니다(디스크 공간 부족 또는 입출력 오류). "
        "원인을 해결하고 키오스크를 다시 시작하면 끝나지 않은 거래를 정리합니다",
        "en": "Technician: the journal {journal} cannot be written (disk full or I/O error). "
        "Fix the cause and restart the kiosk; it then settles any unfinished session",
    },
    "tech.recovery-needs-technician": {
        "ko": "관리자 안내: 재시작 후 끝나지 않은 거래를 정리하다 오류로 멈췄습니다. "
        "로그와 거래 기록(kiosk journal --tail 50)을 확인한 뒤 키오스크를 다시 시작하세요",
        "en": "Technician: settling unfinished sessions after the restart stopped on an error. "
        "Read the log and the journal (kiosk journal --tail 50), then restart the kiosk",
    },
    "maint.title": {"ko": "점검 모드", "en": "Maintenance"},
    "maint.devices": {"ko": "장치 상태", "en": "Devices"},
    "maint.counters": {"ko": "카운터", "en": "Counters"},
    "maint.journal": {"ko": "최근 기록", "en": "Journal"},
    "maint.exit": {"ko": "점검 끝내기", "en": "Exit"},
    "maint.selftest": {"ko": "자가 진단", "en": "Self-test"},
    "boot.title": {"ko": "시작하고 있습니다", "en": "Starting up"},
    "boot.starting": {"ko": "장치를 준비하고 있습니다", "en": "Preparing the devices"},
    "boot.selftest": {"ko": "장치를 점검하고 있습니다", "en": "Checking the devices"},
    "boot.recovering": {"ko": "이전 거래를 마무리하고 있습니다", "en": "Finishing an earlier transaction"},
    "boot._unknown": {"ko": "준비하고 있습니다", "en": "Getting ready"},
    # --- more-time prompt ----------------------------------------------------------------
    "more_time.title": {"ko": "시간이 더 필요하세요?", "en": "Do you need more time?"},
    "more_time.body": {
        "ko": "누르지 않으면 {seconds}초 뒤 처음 화면으로 돌아갑니다",
        "en": "Without an answer, the kiosk starts over in {seconds} seconds",
    },
    "more_time.body_plain": {
        "ko": "누르지 않으면 곧 처음 화면으로 돌아갑니다",
        "en": "Without an answer, the kiosk will start over soon",
    },
    "more_time.yes": {"ko": "네, 더 필요해요", "en": "Yes, more time"},
    "more_time.no": {"ko": "아니요, 끝낼게요", "en": "No, finish"},
}


def language(code: str) -> str:
    """The language to draw in: the view's if we have it, else Korean."""
    return code if code in LANGUAGES else "ko"


def has(key: str) -> bool:
    return key in STRINGS


def t(key: str, lang: str, **values: object) -> str:
    """The text for `key` in `lang`; an unknown code falls back to its family's generic text."""
    entry = STRINGS.get(key)
    if entry is None:
        family = key.split(".", 1)[0]
        entry = STRINGS.get(f"{family}._unknown", {"ko": key, "en": key})
    text = entry.get(language(lang)) or entry["ko"]
    return text.format(**values) if values else text


def won(amount: object, lang: str) -> str:
    """`1,000원` / `1,000 won`; a value that is not a number shows as 0 rather than crash a screen."""
    value = amount if isinstance(amount, int) and not isinstance(amount, bool) else 0
    return t("won", lang, amount=f"{value:,}")


def fee(amount: object, lang: str) -> str:
    """A fee: `200원`, or `무료` when it costs nothing."""
    value = amount if isinstance(amount, int) and not isinstance(amount, bool) else 0
    return t("fee.free", lang) if value == 0 else won(value, lang)


def document(code: object, lang: str) -> str:
    return t(f"doc.{code}", lang)


from screens.strings_layout import STRINGS_LAYOUT  # noqa: E402  # the layout work's words (issue 14)

STRINGS.update(STRINGS_LAYOUT)
