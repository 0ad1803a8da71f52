// @vitest-environment jsdom
import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'
import './signin-reports.cases.tsx'
import './import-match.cases.tsx'
import './post-settings.cases.tsx'
import './workbook.cases.tsx'
import './zh-screens.cases.tsx'
import './close-session.cases.tsx'

/**
 * Component tests of every pane (React Testing Library against a fake API and
 * the fake workbook). One test file, so jsdom and Fluent UI (about 4 s to load
 * under load) start once rather than once per pane file; the cases live in
 * *.cases.tsx next to this file.
 */
afterEach(cleanup)
