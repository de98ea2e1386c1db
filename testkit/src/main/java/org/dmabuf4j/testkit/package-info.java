/**
 * The dmabuf4j conformance kit: JUnit Jupiter suites that check an {@link org.dmabuf4j.api.Exporter} or an importer
 * against the rules of the contract ({@link org.dmabuf4j.api.Rule}).
 *
 * <ul>
 *   <li>{@link org.dmabuf4j.testkit.ExporterConformance}: extend it, supply an
 *       {@link org.dmabuf4j.testkit.ExporterFixture} that exports through {@code system.export}, declare the
 *       exporter's {@link org.dmabuf4j.testkit.ExporterFeature}s.</li>
 *   <li>{@link org.dmabuf4j.testkit.ImporterConformance}: extend it and drive your importer through an
 *       {@link org.dmabuf4j.testkit.ImporterPuppet}; an adversarial exporter moves, holds back fences and revokes.</li>
 *   <li>{@link org.dmabuf4j.testkit.Campaign}: seeded random operation sequences checked against a model, shrunk to a
 *       minimal failing sequence.</li>
 * </ul>
 *
 * <p>Every failure is a {@link org.dmabuf4j.testkit.ConformanceError}: {@code [RULE-ID] what was seen — if this
 * fails, check ...}.
 */
package org.dmabuf4j.testkit;
