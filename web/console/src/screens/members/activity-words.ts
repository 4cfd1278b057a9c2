import type { useTranslation } from 'react-i18next';

type Translate = ReturnType<typeof useTranslation>['t'];

/**
 * What each write route did, in words (the activity names a route by its operationId). A route
 * added later and not yet here shows its id, which is still what /openapi.json calls it.
 */
export const operationWords = (operation: string, t: Translate): string =>
  ({
    createOrganization: t('members.operation.createOrganization'),
    inviteOrganizationUser: t('members.operation.inviteOrganizationUser'),
    removeOrganizationUser: t('members.operation.removeOrganizationUser'),
    createProduct: t('members.operation.createProduct'),
    putProductLinks: t('members.operation.putProductLinks'),
    putScanRules: t('members.operation.putScanRules'),
    createBatch: t('members.operation.createBatch'),
    recordEvents: t('members.operation.recordEvents'),
    createContainers: t('members.operation.createContainers'),
    unblockUnit: t('members.operation.unblockUnit'),
    createReport: t('members.operation.createReport'),
    changeInboxStatus: t('members.operation.changeInboxStatus'),
    createExport: t('members.operation.createExport'),
    createCheckpoint: t('members.operation.createCheckpoint'),
    registerLabReport: t('members.operation.registerLabReport'),
    attachProductTestReport: t('members.operation.attachProductTestReport'),
    attachBatchTestReport: t('members.operation.attachBatchTestReport'),
    createSpotCheckDraw: t('members.operation.createSpotCheckDraw'),
    fixSpotCheckDraw: t('members.operation.fixSpotCheckDraw'),
    revealSpotCheckDraw: t('members.operation.revealSpotCheckDraw'),
    recordSpotCheckResults: t('members.operation.recordSpotCheckResults'),
    recallSpotCheckTarget: t('members.operation.recallSpotCheckTarget'),
    registerInspector: t('members.operation.registerInspector'),
    deactivateInspector: t('members.operation.deactivateInspector'),
  })[operation] ?? operation;

/** The names of the path parameters an entry can carry, in words; any other keeps its name. */
export const resourceWords = (name: string, t: Translate): string =>
  ({
    gtin: t('members.resource.gtin'),
    lot: t('members.resource.lot'),
    batch: t('members.resource.batch'),
    serial: t('members.resource.serial'),
    sscc: t('members.resource.sscc'),
    id: t('members.resource.id'),
    exportId: t('members.resource.exportId'),
    kind: t('members.resource.kind'),
    target: t('members.resource.target'),
    userId: t('members.resource.userId'),
    created: t('members.resource.created'),
  })[name] ?? name;
